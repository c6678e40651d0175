import FirebreakLogs
import Testing
@testable import FirebreakDetection

/// A delivery's correlation updates as one transaction: undone when its commit fails, so the windows are as
/// before and a redelivery counts as a first time.
@Suite struct CorrelationTransactionTests {
    typealias F = CorrelationFixtures
    let t0: Int64 = 1_700_000_000
    struct CommitFailed: Error {}

    /// What a hit says, comparable.
    static func summary(_ hits: [CorrelationHit]) -> [String] {
        hits.map { hit in
            let group = hit.groupKey.keys.sorted().map { "\($0)=\(hit.groupKey[$0]!)" }.joined(separator: ",")
            return "\(hit.rule.id ?? hit.rule.title) [\(group)] \(hit.count) \(hit.firstMillis)-\(hit.lastMillis) \(hit.eventKeys)"
        }
    }

    func matches(_ engine: CorrelationEngine, _ events: [DetectionEvent], rule: String = "flow_rejected") -> [CorrelationMatch] {
        events.compactMap { engine.prepare(ruleID: rule, ruleName: nil, event: $0) }
    }

    /// Hits of recording `matches` in a transaction that fails, and the evictions counted before it failed.
    @discardableResult
    func failedTransaction(_ engine: CorrelationEngine, _ matches: [CorrelationMatch]) -> (hits: [CorrelationHit], evictions: Int) {
        var seen: [CorrelationHit] = []
        var evictions = 0
        #expect(throws: CommitFailed.self) {
            _ = try engine.transaction(matches) { (hits: [[CorrelationHit]]) throws(CommitFailed) -> Bool in
                seen = hits.flatMap { $0 }
                evictions = engine.evictions
                throw CommitFailed()
            }
        }
        return (seen, evictions)
    }

    @Test func aRolledBackDeliveryLeavesCountsAndGroupsAsBefore() throws {
        // Twins: `engine` sees a delivery that fails to commit, `twin` never sees it. Afterwards both must
        // answer every later match alike.
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(3))], maxOpenGroups: 3)
        let twin = CorrelationEngine(rules: [try F.rule(F.eventCount(3))], maxOpenGroups: 3)
        let before = [try F.flow(src: "203.0.113.1", port: 22, end: t0), try F.flow(src: "203.0.113.1", port: 22, end: t0 + 1),
                      try F.flow(src: "203.0.113.2", port: 22, end: t0 + 1)]
        for event in before {
            _ = engine.observe(ruleID: "flow_rejected", ruleName: nil, event: event)
            _ = twin.observe(ruleID: "flow_rejected", ruleName: nil, event: event)
        }
        let groups = engine.openGroups, evictions = engine.evictions, expirations = engine.expirations
        // The failed delivery fires .1, brings .2 to two matches, and opens three new groups (evicting old ones).
        var delivery = [try F.flow(src: "203.0.113.1", port: 22, end: t0 + 2), try F.flow(src: "203.0.113.2", port: 22, end: t0 + 2)]
        for last in 3...5 { delivery.append(try F.flow(src: "203.0.113.\(last)", port: 22, end: t0 + 3)) }
        let undone = failedTransaction(engine, matches(engine, delivery))
        #expect(undone.hits.map(\.groupKey) == [["srcaddr": "203.0.113.1"]], "the failed attempt fired")
        #expect(undone.evictions == evictions + 2, "the failed attempt evicted .1 and .2")

        #expect(engine.openGroups == groups)
        #expect(engine.evictions == evictions)
        #expect(engine.expirations == expirations)
        // Counts as before: one more match fires neither .2 (one match before) early nor .1 twice.
        var later: [DetectionEvent] = []
        for i in 0..<4 {
            later.append(try F.flow(src: "203.0.113.1", port: 22, end: t0 + 4 + Int64(i)))
            later.append(try F.flow(src: "203.0.113.2", port: 22, end: t0 + 4 + Int64(i)))
            later.append(try F.flow(src: "203.0.113.\(6 + i)", port: 22, end: t0 + 4 + Int64(i)))
        }
        for event in later {
            let mine = engine.observe(ruleID: "flow_rejected", ruleName: nil, event: event)
            let theirs = twin.observe(ruleID: "flow_rejected", ruleName: nil, event: event)
            #expect(Self.summary(mine) == Self.summary(theirs))
        }
        #expect(engine.openGroups == twin.openGroups)
        #expect(engine.evictions == twin.evictions)
    }

    @Test func afterARollbackTheSameEventsFireAsAFirstTime() throws {
        let rules = [try F.rule(F.portScan), try F.rule(F.eventCount(4))]
        let engine = CorrelationEngine(rules: rules)
        let fresh = CorrelationEngine(rules: rules)
        var delivery: [DetectionEvent] = []
        for port in 1...6 { delivery.append(try F.flow(src: "198.51.100.9", port: port, end: t0 + Int64(port))) }
        func both(_ e: CorrelationEngine) -> [CorrelationMatch] {
            matches(e, delivery, rule: "flow_rejected_inbound") + matches(e, delivery, rule: "flow_rejected")
        }
        let undone = failedTransaction(engine, both(engine)).hits
        #expect(undone.count == 2, "\(Self.summary(undone))")
        #expect(engine.openGroups == 0)
        // The redelivery fires exactly as the first attempt did, and as a never-touched engine does.
        let again = engine.transaction(both(engine)) { _ in true }.flatMap { $0 }
        let first = fresh.transaction(both(fresh)) { _ in true }.flatMap { $0 }
        #expect(Self.summary(again) == Self.summary(undone))
        #expect(Self.summary(again) == Self.summary(first))
        // And it was kept: a seventh port is not a second scan.
        let seventh = try F.flow(src: "198.51.100.9", port: 7, end: t0 + 7)
        #expect(engine.observe(ruleID: "flow_rejected_inbound", ruleName: nil, event: seventh).isEmpty)
    }

    @Test func declinedTransactionIsUndoneLikeAFailedOne() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(2))])
        let delivery = [try F.flow(src: "203.0.113.9", port: 22, end: t0)]
        _ = engine.transaction(matches(engine, delivery)) { _ in false }   // already committed elsewhere
        #expect(engine.openGroups == 0)
        let one = try F.flow(src: "203.0.113.9", port: 22, end: t0 + 1)
        #expect(engine.observe(ruleID: "flow_rejected", ruleName: nil, event: one).isEmpty)
    }

    @Test func chainedHitsAreUndoneWithTheirDelivery() throws {
        let scan = try F.rule(F.portScan)
        let scanThenAccept = try F.rule("""
        title: Scan followed by an accepted connection
        correlation: {type: temporal_ordered, rules: [port_scan, flow_accepted], group-by: [srcaddr], timespan: 10m}
        """)
        let engine = CorrelationEngine(rules: [scan, scanThenAccept])
        var delivery: [DetectionEvent] = []
        for port in 1...5 { delivery.append(try F.flow(src: "198.51.100.9", port: port, end: t0 + Int64(port))) }
        let undone = failedTransaction(engine, matches(engine, delivery, rule: "flow_rejected_inbound")).hits
        #expect(undone.count == 1)
        #expect(engine.openGroups == 0, "the chained group opened by the scan's hit is gone too")
        // Without the scan, an accepted connection completes nothing.
        let accepted = try F.flow(src: "198.51.100.9", port: 22, end: t0 + 60, action: "ACCEPT")
        #expect(engine.observe(ruleID: "flow_accepted", ruleName: nil, event: accepted).isEmpty)
    }

    @Test func randomDeliveriesRolledBackLeaveNoTrace() throws {
        // Differential: random histories with a small group cap and no lateness (so groups are evicted, expire
        // and slots are reused); one engine also sees failed deliveries, the twin does not. Every kept match must
        // fire alike in both.
        var random = SplitMix(seed: 0x13)
        for round in 0..<30 {
            let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(3, timespan: "30s"))], maxOpenGroups: 5,
                                           allowedLatenessMillis: 0)
            let twin = CorrelationEngine(rules: [try F.rule(F.eventCount(3, timespan: "30s"))], maxOpenGroups: 5,
                                         allowedLatenessMillis: 0)
            var clock = t0
            for _ in 0..<12 {
                var delivery: [DetectionEvent] = []
                for _ in 0..<Int(random.next() % 6 + 1) {
                    clock += Int64(random.next() % 20)
                    let late = Int64(random.next() % 10)
                    delivery.append(try F.flow(src: "192.0.2.\(random.next() % 9)", port: 22, end: clock - late))
                }
                if random.next() % 3 == 0 {
                    // Now and then a failed delivery reaches far ahead: undone, its clock must not expire groups.
                    if random.next() % 2 == 0 { delivery.append(try F.flow(src: "192.0.2.200", port: 22, end: clock + 3600)) }
                    failedTransaction(engine, matches(engine, delivery))
                    continue
                }
                let mine = engine.transaction(matches(engine, delivery)) { _ in true }.flatMap { $0 }
                let theirs = twin.transaction(matches(twin, delivery)) { _ in true }.flatMap { $0 }
                #expect(Self.summary(mine) == Self.summary(theirs), "round \(round)")
                #expect(engine.openGroups == twin.openGroups, "round \(round)")
                #expect(engine.evictions == twin.evictions, "round \(round)")
                #expect(engine.expirations == twin.expirations, "round \(round)")
            }
        }
    }

    @Test func deliveryEvaluationPlacesCorrelationFindingsLikeEvaluate() {
        let events = (1...12).map { port in
            RuleSetTests.flow("2 123456789012 eni-1 198.51.100.7 10.0.1.5 51000 \(port) 6 1 40 1700000000 \(1700000000 + port) REJECT OK")
        }
        // As every match evaluated on its own and then merged by id.
        let expected = FindingAggregate.merge(RuleSetTests.set(RuleSetTests.scan, RuleSetTests.egressReject).evaluate(events))
        let set = RuleSetTests.set(RuleSetTests.scan, RuleSetTests.egressReject)
        let evaluation = set.prepare(events)
        #expect(evaluation.feedsCorrelations)
        #expect(set.openCorrelationGroups == 0, "preparing records nothing")
        let findings = evaluation.commit { _ in true }
        #expect(findings.map(\.finding.id) == expected.map(\.finding.id))
        #expect(findings.map(\.count) == expected.map(\.count) && findings.map(\.samples.count) == expected.map(\.samples.count))
        #expect(findings.contains { $0.finding.correlation != nil })
        #expect(set.openCorrelationGroups == 1)
    }
}

/// A small deterministic generator (SplitMix64) for the differential test.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
