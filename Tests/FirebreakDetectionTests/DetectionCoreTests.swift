import FirebreakLogs
import Testing
@testable import FirebreakDetection

@Suite struct IPSetTests {
    /// A set large enough for the per-/16 IPv4 index answers as a plain search over its ranges does.
    @Test func largeSetIndexAgreesWithRanges() throws {
        var entries: [String] = []
        var ranges: [(UInt32, UInt32)] = []
        var x: UInt32 = 0x9E37_79B9
        for i in 0..<6000 {
            x = x &* 1_664_525 &+ 1_013_904_223
            let prefix = i % 3 == 0 ? 32 : [8, 16, 20, 24, 28, 31][Int(x >> 29) % 6]
            let mask: UInt32 = prefix == 32 ? ~0 : ~(~0 >> UInt32(prefix))
            let start = x & mask
            entries.append("\(start >> 24).\(start >> 16 & 255).\(start >> 8 & 255).\(start & 255)/\(prefix)")
            ranges.append((start, start | ~mask))
        }
        entries += ["2001:db8::/32", "255.255.255.255", "0.0.0.0"]
        ranges += [(0xFFFF_FFFF, 0xFFFF_FFFF), (0, 0)]
        let set = try IPSet(parsing: entries)
        var probes: [UInt32] = [0, 1, 0xFFFF_FFFF, 0xFFFF_FFFE, 0x0001_0000, 0x0000_FFFF]
        for (start, end) in ranges.prefix(2000) { probes += [start, end, start &- 1, end &+ 1] }
        for i in 0..<5000 { probes.append(UInt32(truncatingIfNeeded: i &* 2_654_435_761)) }
        for probe in probes {
            let expected = ranges.contains { $0.0 <= probe && probe <= $0.1 }
            #expect(set.contains(IPAddress(ipv4: probe)) == expected, "\(probe)")
        }
        #expect(set.contains(IPAddress("2001:db8::1")!))
        #expect(!set.contains(IPAddress("2001:db9::1")!))
    }

    @Test func cidrsAndSingleAddressesMerge() throws {
        let set = try IPSet(parsing: ["10.0.0.0/8", "192.0.2.7", "192.0.2.8/31", "2001:db8::/32", "10.1.0.0/16"])
        #expect(set.contains(IPAddress("10.255.255.255")!))
        #expect(!set.contains(IPAddress("11.0.0.0")!))
        #expect(set.contains(IPAddress("192.0.2.7")!))
        #expect(set.contains(IPAddress("192.0.2.9")!))
        #expect(!set.contains(IPAddress("192.0.2.10")!))
        #expect(!set.contains(IPAddress("192.0.2.6")!))
        #expect(set.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!set.contains(IPAddress("2001:db9::")!))
        // 10.0.0.0/8 swallows 10.1.0.0/16; 192.0.2.7 and 192.0.2.8/31 are adjacent and merge.
        #expect(set.rangeCount == 3)
    }

    @Test func zeroPrefixesCoverTheirFamilyOnly() throws {
        let v4 = try IPSet(parsing: ["0.0.0.0/0"])
        #expect(v4.contains(IPAddress("203.0.113.1")!))
        #expect(!v4.contains(IPAddress("2001:db8::1")!))
        let v6 = try IPSet(parsing: ["::/0"])
        #expect(v6.contains(IPAddress("2001:db8::1")!))
    }

    @Test func invalidEntriesAreErrors() {
        #expect(throws: IPSetError.self) { try IPSet(parsing: ["10.0.0.0/33"]) }
        #expect(throws: IPSetError.self) { try IPSet(parsing: ["not-an-ip"]) }
        #expect(throws: IPSetError.self) { try IPSet(parsing: ["10.0.0.0/"]) }
    }
}

@Suite struct DetectionEventTests {
    @Test func iso8601() {
        #expect(ISO8601Millis.parse("1970-01-01T00:00:00Z") == 0)
        #expect(ISO8601Millis.parse("2026-01-01T10:05:00Z") == 1_767_261_900_000)
        #expect(ISO8601Millis.parse("2026-01-01T10:05:00.123Z") == 1_767_261_900_123)
        #expect(ISO8601Millis.parse("2026-01-01T11:05:00+01:00") == 1_767_261_900_000)
        #expect(ISO8601Millis.parse("2026-13-01T10:05:00Z") == nil)
        #expect(ISO8601Millis.parse("yesterday") == nil)
    }

    @Test func directionDerivedFromInternalCidrsForVersion2() throws {
        let parser = FlowLogParser()
        let network = NetworkContext(internalNetworks: try IPSet(parsing: ["10.0.0.0/16"]))
        func event(_ line: String) throws -> DetectionEvent {
            DetectionEvent(DecodedEvent(event: .flow(try parser.parse(line)), context: LogContext(recordIndex: 0)), network: network)
        }
        let out = try event("2 123456789012 eni-1 10.0.1.5 203.0.113.9 40000 443 6 1 60 1700000000 1700000060 REJECT OK")
        #expect(out.flowDirection == .egress)
        #expect(out.values(at: "flow-direction") == [.string("egress")])
        #expect(out.timeMillis == 1_700_000_060_000)
        #expect(out.logSource == .vpcFlowLogs)
        let inbound = try event("2 123456789012 eni-1 198.51.100.1 10.0.1.5 40000 22 6 1 60 1700000000 1700000060 REJECT OK")
        #expect(inbound.flowDirection == .ingress)
        let lateral = try event("2 123456789012 eni-1 10.0.1.5 10.0.2.5 40000 22 6 1 60 1700000000 1700000060 ACCEPT OK")
        #expect(lateral.flowDirection == nil)
        #expect(lateral.values(at: "flow-direction").isEmpty)
        #expect(lateral.values(at: "dstport") == [.int(22)])
        #expect(lateral.values(at: "action") == [.string("ACCEPT")])
    }
}
