import FirebreakLogs
import Foundation
import Testing
@testable import FirebreakDetection
import FirebreakTestSupport

/// CloudTrail rules read records from their tape; the tree reading they replaced is the reference. Every CloudTrail
/// test event of the pack, as written and reshaped (whitespace, a repeated key before and after the usual position,
/// an escaped key), through every CloudTrail rule of the pack and SigmaHQ: the same decision from the tape (members
/// looked up, or resolved once as the rule set does) as from the tree.
@Suite struct TapeMatchingTests {
    static let root = TestPaths.packageRoot

    static let rules: [CompiledRule] = {
        var problems: [RuleError] = []
        let intel = IntelRegistry.load(IntelConfiguration(folder: root.appendingPathComponent("config/intel").path), problems: &problems)
        let loaded = RuleFileLoader.load(paths: [root.appendingPathComponent("config/rules").path, SigmaTestSupport.sigmaHQCloudTrail.path])
        return RuleSet(loaded: loaded, placeholders: intel.registry).rules.filter { $0.rule.logsource.covers(.cloudTrail) }
    }()

    /// The compact text of every CloudTrail test event of the pack.
    static let records: [String] = {
        var out: [String] = []
        for file in RuleTestSuite.files(in: [root.appendingPathComponent("config/rules").path]) {
            guard let suite = try? RuleTestSuite.load(file: file) else { continue }
            for testCase in suite.cases {
                for decoded in testCase.events {
                    if case .cloudTrail(let record) = decoded.event { out.append(record.record.serialized()) }
                }
            }
        }
        return out
    }()

    /// `text` with a space after every `,` and `:` outside strings.
    static func spaced(_ text: String) -> String {
        var out: [UInt8] = []
        var inString = false, escaped = false
        for byte in text.utf8 {
            out.append(byte)
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
            } else if byte == 0x22 {
                inString = true
            } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: ":") {
                out.append(0x20)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func variants(_ text: String) -> [String] {
        let body = text.dropFirst()
        return [
            text, spaced(text),
            // A repeated eventName first (the usual position then holds another key) and a repeated eventSource last.
            #"{"eventName":"DeleteTrail","# + body,
            String(text.dropLast()) + #","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging"}"#,
            // An escaped key and a non-ASCII value.
            #"{"event\u004eame":"ConsoleLogin","userAgent":"Brows\u00e9r \/ 1","# + body,
        ]
    }

    @Test func tapeDecidesAsTheTree() throws {
        try #require(Self.rules.count > 100 && Self.records.count > 200, "\(Self.rules.count) rules, \(Self.records.count) records")
        let keys = Self.rules.reduce(into: Set(["eventName"])) { $0.formUnion($1.program.recordKeys) }
        let table = RecordKeyTable(keys: keys)
        let slots = table.makeSlots()
        defer { slots.deallocate() }
        var decisions = 0, matches = 0
        for text in Self.records {
            for variant in Self.variants(text) {
                let tape = try #require(JSONTape.parse(Array(variant.utf8)), "\(variant)")
                let record = CloudTrailRecord(tape: tape, index: 0, envelope: .bare)
                let event = DetectionEvent(DecodedEvent(event: .cloudTrail(record), context: LogContext(recordIndex: 0)))
                let tree = tape.value(0)
                table.resolve(tape, 0, into: slots)
                let resolved = TapeRecord(record, slots: UnsafePointer(slots), count: table.slotCount)
                for rule in Self.rules {
                    let expected = rule.program.matches(json: tree, event)
                    #expect(rule.program.matches(tape: TapeRecord(record), event) == expected, "\(rule.rule.title) on \(variant)")
                    #expect(rule.program.matches(tape: resolved, event) == expected, "\(rule.rule.title) (resolved) on \(variant)")
                    decisions += 1
                    if expected { matches += 1 }
                }
            }
        }
        #expect(matches > 100, "\(matches) matches in \(decisions) decisions")
    }

    /// What a finding reads from the event (matched fields, the resource, the dedup key, the time) is read from the
    /// tape as from the tree.
    @Test func findingsReadTheTapeAsTheTree() throws {
        for text in Self.records.prefix(200) {
            for variant in Self.variants(text) {
                let tape = try #require(JSONTape.parse(Array(variant.utf8)))
                let fromTape = DetectionEvent(DecodedEvent(event: .cloudTrail(CloudTrailRecord(tape: tape, index: 0, envelope: .bare)),
                                                           context: LogContext(recordIndex: 0)))
                let fromTree = DetectionEvent(DecodedEvent(event: .cloudTrail(CloudTrailRecord(record: tape.value(0), envelope: .bare)),
                                                           context: LogContext(recordIndex: 0)))
                #expect(fromTape.timeMillis == fromTree.timeMillis)
                #expect(fromTape.eventKey == fromTree.eventKey)
                #expect(FindingResource(event: fromTape) == FindingResource(event: fromTree))
                for path in ["requestParameters.ipPermissions.items.ipRanges.items.cidrIp", "userIdentity.arn", "eventName",
                             "requestParameters", "responseElements.ConsoleLogin", "firebreak.principal", "resources.ARN"] {
                    let field = FieldPath(path)
                    #expect(fromTape.values(at: field) == fromTree.record.values(at: field.components).map(FieldValue.init)
                            || ComputedFields.field(of: field) != nil, "\(path)")
                    #expect(FieldMatcher.values(in: fromTape, at: field) == FieldMatcher.values(in: fromTree, at: field), "\(path)")
                }
            }
        }
    }
}

private extension DetectionEvent {
    var record: JSONValue { cloudTrail?.record ?? .null }
}
