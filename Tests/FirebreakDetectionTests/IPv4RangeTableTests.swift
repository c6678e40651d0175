import FirebreakLogs
import Testing
@testable import FirebreakDetection

@Suite struct IPv4RangeTableTests {
    @Test func membershipAtRangeEdges() {
        let table = IPv4RangeTable(merging: [(0x0A00_0000, 0x0AFF_FFFF), (0xC000_0207, 0xC000_0207), (0xFFFF_FFFF, 0xFFFF_FFFF), (0, 0)])
        for inside: UInt32 in [0x0A00_0000, 0x0AFF_FFFF, 0x0A12_3456, 0xC000_0207, 0xFFFF_FFFF, 0] {
            #expect(table.contains(inside), "\(inside)")
        }
        for outside: UInt32 in [0x09FF_FFFF, 0x0B00_0000, 0xC000_0206, 0xC000_0208, 0xFFFF_FFFE, 1] {
            #expect(!table.contains(outside), "\(outside)")
        }
        #expect(table.count == 4)
    }

    @Test func overlappingAndAdjacentRangesMerge() {
        // Reversed, overlapping, contained and adjacent ranges, in no order.
        let table = IPv4RangeTable(merging: [(20, 10), (15, 30), (12, 13), (31, 40), (50, 60), (0xFFFF_FFF0, 0xFFFF_FFFF), (0xFFFF_FFF5, 0xFFFF_FFFF)])
        #expect(table.pairs.map { [$0.0, $0.1] } == [[10, 40], [50, 60], [0xFFFF_FFF0, 0xFFFF_FFFF]])
        #expect(table.contains(10) && table.contains(40) && table.contains(31) && !table.contains(41) && !table.contains(9))
        #expect(IPv4RangeTable(merging: [(1, 2), (3, 4)]) == IPv4RangeTable(merging: [(1, 4)]))
        #expect(IPv4RangeTable(merging: []).count == 0)
        #expect(!IPv4RangeTable(merging: []).contains(0))
    }

    /// A table large enough for the /16 index answers as a scan of its ranges does, at every edge.
    @Test func indexedTableAgreesWithScan() {
        var ranges: [(UInt32, UInt32)] = []
        var x: UInt32 = 12345
        for _ in 0..<20_000 {
            x = x &* 1_664_525 &+ 1_013_904_223
            let length = x & 0x3FF == 0 ? 0x2_0000 : x & 7
            ranges.append((x, x > UInt32.max - length ? UInt32.max : x + length))
        }
        let table = IPv4RangeTable(merging: ranges)
        #expect(table.count >= IPv4RangeTable.indexThreshold)
        let merged = table.pairs
        func scan(_ v: UInt32) -> Bool { merged.contains { $0.0 <= v && v <= $0.1 } }
        var probes: [UInt32] = [0, 1, 0xFFFF, 0x1_0000, 0xFFFF_FFFF]
        for (s, e) in merged.prefix(3000) { probes += [s, e, s &- 1, e &+ 1] }
        for probe in probes { #expect(table.contains(probe) == scan(probe), "\(probe)") }
    }
}

@Suite struct IPSetStorageTests {
    /// IPv6 ranges that cover part of the IPv4-mapped block answer for IPv4 addresses, and count once.
    @Test func ipv6RangesOverIPv4MappedBlock() throws {
        let all = try IPSet(parsing: ["::/0"])
        #expect(all.contains(IPAddress("203.0.113.1")!))
        #expect(all.contains(IPAddress("2001:db8::1")!))
        #expect(all.rangeCount == 1)
        var mappedBuilder = IPSet.Builder()   // ::ffff:0.0.0.0 to ::ffff:0.255.255.255 is 0.0.0.0/8
        mappedBuilder.add(range: IPAddress(high: 0, low: 0xFFFF_0000_0000), IPAddress(high: 0, low: 0xFFFF_00FF_FFFF))
        let mapped = mappedBuilder.build()
        #expect(mapped.contains(IPAddress("0.1.2.3")!))
        #expect(!mapped.contains(IPAddress("1.0.0.0")!))
        #expect(mapped == (try IPSet(parsing: ["0.0.0.0/8"])))
        // A range from below the block into it: IPv6 addresses below, IPv4 addresses up to its end.
        var builder = IPSet.Builder()
        builder.add(range: IPAddress("::fffe:ffff:ffff")!, IPAddress("10.0.0.0")!)
        let crossing = builder.build()
        #expect(crossing.contains(IPAddress("::fffe:ffff:ffff")!))
        #expect(crossing.contains(IPAddress("0.0.0.0")!) && crossing.contains(IPAddress("10.0.0.0")!))
        #expect(!crossing.contains(IPAddress("10.0.0.1")!))
        #expect(crossing.rangeCount == 1)
        // The union merges the IPv4 part back into the wider range.
        let union = crossing.union(try IPSet(parsing: ["10.0.0.1", "2001:db8::/32"]))
        #expect(union.rangeCount == 2)
        #expect(union.contains(IPAddress("10.0.0.1")!) && !union.contains(IPAddress("10.0.0.2")!))
        #expect(union == crossing.union(try IPSet(parsing: ["2001:db8::/32", "10.0.0.1/32"])))
    }

    @Test func emptyAndEquality() throws {
        #expect(IPSet().isEmpty && IPSet().rangeCount == 0 && !IPSet().contains(IPAddress("1.2.3.4")!))
        #expect(try IPSet(parsing: []) == IPSet())
        #expect(try IPSet(parsing: ["10.0.0.0/9", "10.128.0.0/9"]) == (try IPSet(parsing: ["10.0.0.0/8"])))
        #expect(try IPSet(parsing: ["10.0.0.0/8"]) != (try IPSet(parsing: ["10.0.0.0/8", "fc00::/7"])))
        #expect(try !IPSet(parsing: ["fc00::/7"]).isEmpty)
    }
}
