import FirebreakAWS
import FirebreakLogs
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakDetection
@testable import FirebreakResponse

/// Correlation windows in the shared table of `moto_server` (signature checking on): tallies of several tasks add up,
/// a window fires once whoever completes it, a repeated delivery adds nothing and fires the same hit again.
@Suite(.serialized, .motoServer)
struct DynamoDBCorrelationStateTests {
    let state: DynamoDBCorrelationState
    let t0: Int64 = 1_700_000_000

    init() throws {
        let moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        state = DynamoDBCorrelationState(dynamo: try moto.stateTable(), table: "firebreak-state")
    }

    static func rule(_ kind: CorrelationRule.Kind, _ threshold: Int, rules: [String] = ["probe"],
                     valueField: FieldPath? = nil) -> CorrelationRule {
        CorrelationRule(source: "rules/test.yml", title: "Test \(kind.rawValue)", id: "corr-\(kind.rawValue)", kind: kind,
                        rules: rules, groupBy: ["srcaddr"], timespanMillis: 60_000,
                        condition: CorrelationRule.Condition(.gte, threshold), valueField: valueField)
    }

    /// A version-2 flow record from `src` to port `port`, ending at `end` (seconds).
    static func flow(src: String = "198.51.100.77", port: Int, end: Int64) throws -> DetectionEvent {
        let line = "2 123456789012 eni-0a1b2c3d \(src) 10.0.1.5 49152 \(port) 6 1 40 \(end - 10) \(end) REJECT OK"
        return DetectionEvent(DecodedEvent(event: .flow(try FlowLogParser().parse(line)), context: LogContext(recordIndex: 0)))
    }

    /// One task's delivery: the tallies of `events` matched by `ruleID`.
    static func tallies(_ engine: CorrelationEngine, _ events: [DetectionEvent], ruleID: String = "probe") -> [CorrelationTally] {
        let matches = events.compactMap { engine.prepare(ruleID: ruleID, ruleName: nil, event: $0) }
        return engine.tallies(matches.enumerated().map { ($0.offset, $0.element) })
    }

    @Test func distinctPortsFromSeveralTasksAddUpAndFireOnce() throws {
        let engine = CorrelationEngine(rules: [Self.rule(.valueCount, 20, valueField: "dstport")])
        var fired: [CorrelationHit] = []
        // Three tasks, 8 ports each within 24 s; the third delivery completes 20.
        for part in 0..<3 {
            let events = try (0..<8).map { try Self.flow(port: 1000 + part * 8 + $0, end: t0 + Int64(part * 8 + $0)) }
            fired += try state.record(Self.tallies(engine, events), requestID: "req-\(part)").compactMap { $0 }
        }
        #expect(fired.count == 1, "\(fired.map(\.count))")
        #expect(fired.first?.count == 20 && fired.first?.groupKey == ["srcaddr": "198.51.100.77"])
        // The same window again, from another delivery: it fired already.
        let more = try [Self.flow(port: 2000, end: t0 + 30)]
        #expect(try state.record(Self.tallies(engine, more), requestID: "req-9").allSatisfy { $0 == nil })
        // A repetition of the delivery that fired (after a crash): the same hit, nothing counted twice.
        let again = try (0..<8).map { try Self.flow(port: 1016 + $0, end: t0 + Int64(16 + $0)) }
        let repeated = try state.record(Self.tallies(engine, again), requestID: "req-2").compactMap { $0 }
        #expect(repeated.map(\.firstMillis) == fired.map(\.firstMillis))
        // A window after the one that fired fires again.
        let later = try (0..<20).map { try Self.flow(port: 3000 + $0, end: t0 + 600 + Int64($0)) }
        #expect(try state.record(Self.tallies(engine, later), requestID: "req-10").compactMap { $0 }.count == 1)
    }

    @Test func eventCountsAreAddedOncePerDelivery() throws {
        let engine = CorrelationEngine(rules: [Self.rule(.eventCount, 10)])
        let five = try (0..<5).map { try Self.flow(port: 22, end: t0 + Int64($0)) }
        #expect(try state.record(Self.tallies(engine, five), requestID: "a").allSatisfy { $0 == nil })
        // Delivery "a" repeated: still five, not ten.
        #expect(try state.record(Self.tallies(engine, five), requestID: "a").allSatisfy { $0 == nil })
        let hits = try state.record(Self.tallies(engine, five), requestID: "b").compactMap { $0 }
        #expect(hits.map(\.count) == [10])
    }

    @Test func temporalOrderedNeedsItsRulesInOrder() throws {
        let engine = CorrelationEngine(rules: [Self.rule(.temporalOrdered, 2, rules: ["first", "second"])])
        // "second" in an earlier bucket than "first": not in order.
        let early = try Self.flow(port: 22, end: t0)
        let late = try Self.flow(port: 22, end: t0 + 30)
        _ = try state.record(Self.tallies(engine, [early], ruleID: "second"), requestID: "x1")
        #expect(try state.record(Self.tallies(engine, [late], ruleID: "first"), requestID: "x2").allSatisfy { $0 == nil })
        // From another source, in order: fires.
        let other = try Self.flow(src: "198.51.100.78", port: 22, end: t0)
        let after = try Self.flow(src: "198.51.100.78", port: 22, end: t0 + 30)
        _ = try state.record(Self.tallies(engine, [other], ruleID: "first"), requestID: "y1")
        #expect(try state.record(Self.tallies(engine, [after], ruleID: "second"), requestID: "y2").compactMap { $0 }.count == 1)
    }

    @Test func bucketsPastTheWindowAndAnHourAreRemoved() throws {
        let engine = CorrelationEngine(rules: [Self.rule(.eventCount, 100)])
        _ = try state.record(Self.tallies(engine, [try Self.flow(port: 22, end: t0)]), requestID: "early")
        _ = try state.record(Self.tallies(engine, [try Self.flow(port: 22, end: t0 + 7200)]), requestID: "late")
        let hash = try #require(Self.tallies(engine, [try Self.flow(port: 22, end: t0)]).first?.groupHash)
        let item = try #require(try state.dynamo.getItem(table: "firebreak-state", key: ["pk": .string("corr#" + hash), "sk": .string("window")]))
        let buckets = item.keys.filter { $0.hasPrefix("c_") || $0.hasPrefix("d_") }.sorted()
        #expect(buckets == ["c_\((t0 + 7200) * 1000)", "d_\((t0 + 7200) * 1000)"], "\(buckets)")
    }

    /// Event times come from the wire: a record ending at the last second the flow-log parser accepts (year 9999) is
    /// counted and fires; bucket arithmetic on any Int64 saturates instead of trapping.
    @Test func extremeEventTimesDoNotTrap() throws {
        let engine = CorrelationEngine(rules: [Self.rule(.eventCount, 1)])
        let last = try Self.flow(port: 22, end: 253_402_300_799)
        let hits = try state.record(Self.tallies(engine, [last]), requestID: "far")
        #expect(hits.compactMap { $0 }.count == 1)
        #expect(CorrelationTally.bucket(.min, width: 10_000) == .min)
        #expect(CorrelationTally.bucket(.max, width: 10_000) <= .max)
    }
}
