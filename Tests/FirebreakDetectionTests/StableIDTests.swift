import FirebreakLogs
import Testing
@testable import FirebreakDetection

/// Finding and action ids are stored and compared across versions: `StableID` must give the ids the first
/// implementation gave, whichever way a part is fed.
@Suite struct StableIDTests {
    /// The id as first written: 128-bit FNV-1a over the parts' UTF-8, each followed by 0x1f, in hex.
    static func reference(_ parts: [String]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x84222325_cbf29ce4
        for part in parts {
            for byte in part.utf8 {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 ^ (a >> 29)
            }
            a = (a ^ 0x1f) &* 0x0000_0100_0000_01b3
            b = (b ^ 0x1f) &* 0x0000_0100_0000_01b3
        }
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return "fb-" + hex(a) + hex(b)
    }

    static func stableID(_ parts: [String]) -> String {
        var id = StableID()
        for part in parts { id.add(part) }
        return id.text
    }

    @Test func sameIDsAsBefore() {
        let cases: [[String]] = [[], [""], ["rule", "instance", "i-0123", "472222"], ["règle", "é", "\u{1f}"], ["x", String(repeating: "y", count: 300)]]
        for parts in cases { #expect(Self.stableID(parts) == Self.reference(parts)) }
        #expect(Finding.stableID("a", "b") == Self.reference(["a", "b"]))
        // Computed independently (outside Swift) for these parts.
        #expect(Finding.stableID("rule-1", "instance", "i-0123456789abcdef0", "472222") == "fb-25deba88fc02e0bd4f56c0ff7157bc3b")
    }

    @Test func decimalPartsHashAsTheirText() {
        for value: Int64 in [0, 7, -7, 10, 472_222, -1_000_000, .max, .min] {
            var id = StableID()
            id.add("rule")
            id.add(decimal: value)
            #expect(id.text == Self.reference(["rule", String(value)]), "\(value)")
        }
    }

    @Test func bytePartsHashAsTheirText() {
        var id = StableID()
        Array("eni-0a1b2c3d4e5f60001".utf8).withUnsafeBufferPointer { id.add(bytes: $0) }
        id.add("")
        #expect(id.text == Self.reference(["eni-0a1b2c3d4e5f60001", ""]))
        #expect(Finding.stableID("ab", "c") != Finding.stableID("a", "bc"))
    }

    /// A rule's finding id is the stable id of (rule, resource type, resource id, window) as `FindingResource` reads it.
    @Test func findingIDsOfCloudTrailAndFlowEvents() throws {
        let json = #"{"eventTime":"2026-01-01T10:05:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","recipientAccountId":"123456789012","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0abc"}]}}}"#
        let record = CloudTrailRecord(record: try JSONParser().parse(json), envelope: .bare)
        let trail = DetectionEvent(DecodedEvent(event: .cloudTrail(record), context: LogContext(recordIndex: 0)))
        let dedup = FindingDedup()
        let window = String(trail.timeMillis / dedup.windowMillis)
        #expect(dedup.findingID(ruleID: "r1", event: trail) == Self.reference(["r1", "instance", "i-0abc", window]))
        let resource = FindingResource(event: trail)
        #expect(resource.type == "instance" && resource.id == "i-0abc" && resource.instanceID == "i-0abc" && resource.accountID == "123456789012")

        let bare = #"{"eventTime":"2026-01-01T10:05:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","userIdentity":{"accountId":"210987654321"}}"#
        let account = DetectionEvent(DecodedEvent(event: .cloudTrail(CloudTrailRecord(record: try JSONParser().parse(bare), envelope: .bare)),
                                                  context: LogContext(recordIndex: 0)))
        #expect(dedup.findingID(ruleID: "r1", event: account) == Self.reference(["r1", "account", "210987654321", window]))

        let flow = try FlowLogParser().parse("2 123456789012 eni-0a1b2c3d 10.0.0.5 203.0.113.9 49152 443 6 10 840 1700000000 1700000060 ACCEPT OK")
        let flowEvent = DetectionEvent(DecodedEvent(event: .flow(flow), context: LogContext(recordIndex: 0)))
        let flowWindow = String(flowEvent.timeMillis / dedup.windowMillis)
        #expect(dedup.findingID(ruleID: "r2", event: flowEvent) == Self.reference(["r2", "network-interface", "eni-0a1b2c3d", flowWindow]))
    }

    /// A flow match's finding key read from the record in place (the delivery path counts repeated matches by it
    /// without making their event) is the one read from the event, and nil where only the event can say.
    @Test func aFlowRecordsFindingKeyIsItsEventsKey() throws {
        let format = try FlowLogFormat(parsing: "${version} ${account-id} ${interface-id} ${instance-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}")
        var seed = StableID()
        seed.add("r3")
        let dedup = FindingDedup(windowMillis: 600_000)
        for line in ["2 123456789012 eni-0a1b2c3d i-0123456789abcdef0 10.0.0.5 203.0.113.9 49152 443 6 10 840 1700000000 1700000060 ACCEPT OK",
                     "2 123456789012 eni-0a1b2c3d - 10.0.0.5 203.0.113.9 49152 443 6 10 840 1700000000 1700000999 ACCEPT OK"] {
            let flow = try FlowLogParser(format: format).parse(line)
            let event = DetectionEvent(DecodedEvent(event: .flow(flow), context: LogContext(recordIndex: 0)))
            let inPlace = try #require(dedup.findingKey(seed: seed, flow: flow, timeMillis: event.timeMillis))
            #expect(inPlace == dedup.findingKey(seed: seed, event: event))
            #expect(inPlace.text == dedup.findingID(ruleID: "r3", event: event))
        }
        let noInterface = try FlowLogParser(format: format).parse("2 123456789012 - - 10.0.0.5 203.0.113.9 49152 443 6 10 840 1700000000 1700000060 ACCEPT OK")
        #expect(dedup.findingKey(seed: seed, flow: noInterface, timeMillis: 1_700_000_060_000) == nil)
        let byFields = FindingDedup(fields: [FieldPath("dstport")])
        let flow = try FlowLogParser(format: format).parse("2 123456789012 eni-0a1b2c3d - 10.0.0.5 203.0.113.9 49152 443 6 10 840 1700000000 1700000060 ACCEPT OK")
        #expect(byFields.findingKey(seed: seed, flow: flow, timeMillis: 1_700_000_060_000) == nil)
    }
}
