import FirebreakLogs
import Testing
@testable import FirebreakDetection
import FirebreakTestSupport

/// `RuleSet` runs flow rules through `FlowDispatch`: the findings must be those of every rule's whole detection.
@Suite struct FlowDispatchTests {
    /// Rules on the enumerated fields in every form: lists, `all`, `null`, `exists`, `not`, and mixed with other fields.
    static let extraRules = [
        "detection: {sel: {action|exists: false}, condition: sel}",
        "detection: {sel: {flow-direction: null, log-status: [OK, SKIPDATA]}, condition: sel}",
        "detection: {sel: {type: IPv6}, other: {dstport: 443}, condition: not sel and not other}",
        "detection: {sel: {action|all: [ACCEPT, REJECT]}, condition: sel}",
        "detection: {a: {action: accept}, b: {flow-direction: ingress}, c: {tcp-flags: 2}, condition: (a or b) and not c}",
        "detection: {a: {log-status: NODATA}, b: {type|exists: true}, condition: 1 of them}",
        "detection: {a: {action: REJECT, flow-direction: egress}, b: {srcaddr|cidr: 10.0.0.0/8}, condition: a and not b}",
        "detection: {a: {flow-direction: [ingress, egress]}, condition: not a}",
        // Tests that read the event generically (the in-place path makes the event for them).
        "detection: {a: {action: REJECT}, b: {srcport|fieldref: dstport}, condition: a or b}",
        "detection: {keywords: ['eni-03'], a: {action: ACCEPT}, condition: keywords and a}",
    ].enumerated().map { i, detection in
        "title: t\(i)\nid: extra-\(i)\nlogsource: {product: aws, service: vpcflowlogs}\n\(detection)\nlevel: low\n"
    }

    /// The built-in pack and its lists, with `extraRules`.
    static func packWithExtraRules() -> (LoadedRules, IntelRegistry) {
        let root = TestPaths.packageRoot
        var problems: [RuleError] = []
        let intel = IntelRegistry.load(IntelConfiguration(folder: root.appendingPathComponent("config/intel").path), problems: &problems)
        var loaded = RuleFileLoader.load(paths: [root.appendingPathComponent("config/rules").path])
        for (i, text) in extraRules.enumerated() { loaded.merge(RuleFileLoader.load(yaml: text, source: "extra-\(i).yml")) }
        return (loaded, intel.registry)
    }

    @Test func findingsAreThoseOfEachRulesWholeDetection() throws {
        let (loaded, intel) = Self.packWithExtraRules()
        var set = RuleSet(loaded: loaded, placeholders: intel)
        set.reportsConsumedMatches = true
        #expect(set.problems.isEmpty, "\(set.problems)")
        let flowRules = set.rules.filter { $0.rule.logsource.covers(.vpcFlowLogs) }
        #expect(flowRules.count >= 15)

        let network = NetworkContext(internalNetworks: try IPSet(parsing: ["10.0.0.0/8"]))
        var checked = 0
        for line in Self.lines(4000) {
            let record = try FlowLogParser(format: Self.format).parse(line)
            let event = DetectionEvent(DecodedEvent(event: .flow(record), context: LogContext(recordIndex: 0)), network: network)
            let found = set.evaluate([event]).filter { $0.correlation == nil }.map(\.ruleID)
            let expected = flowRules.filter { $0.matches(event) }.map { $0.rule.id ?? $0.rule.title }
            #expect(found == expected, "\(line)")
            checked += found.count
        }
        #expect(checked > 500)
    }

    /// A delivery's flow records are read in place (no `DetectionEvent` unless a rule matches or reads the event
    /// generically): the findings, their ids, times and directions are those of evaluating event by event.
    @Test func aDeliveryReadInPlaceGivesTheFindingsOfEventByEvent() throws {
        let (loaded, intel) = Self.packWithExtraRules()
        let network = NetworkContext(internalNetworks: try IPSet(parsing: ["10.0.0.0/8"]))
        var decoded: [DecodedEvent] = []
        for (i, line) in Self.lines(3000).enumerated() {
            let record = try FlowLogParser(format: Self.format).parse(line)
            decoded.append(DecodedEvent(event: .flow(record), context: LogContext(recordIndex: i / 500, timestampMillis: 1_700_000_000_000 + Int64(i))))
        }
        // A few non-flow events among them take the other path.
        decoded.insert(DecodedEvent(event: .text("eni-03 text"), context: LogContext(recordIndex: 0)), at: 10)
        var events = DecodedEvents()
        for start in stride(from: 0, to: decoded.count, by: 700) { events.append(chunk: Array(decoded[start..<min(start + 700, decoded.count)])) }
        #expect(events.chunks.count == 5 && events.count == decoded.count)

        // Fresh sets: the correlation windows of one must not see the other's matches.
        let inPlace = RuleSet(loaded: loaded, placeholders: intel)
        let byEvent = RuleSet(loaded: loaded, placeholders: intel)
        var sink = FindingSink.list
        var now: [RuleSet.PendingMatch]? = nil
        inPlace.evaluate(events, network: network, receivedMillis: 42, into: &sink, deferring: &now)
        let found = sink.list
        let expected = byEvent.evaluate(decoded.map { DetectionEvent($0, network: network, receivedMillis: 42) })
        func direction(_ finding: Finding) -> FlowDirection? {
            if case .event(let event, _) = finding.origin { return event.flowDirection }
            return nil
        }
        func key(_ f: Finding) -> String { "\(f.id) \(f.ruleID) \(f.timeMillis) \(String(describing: direction(f)))" }
        #expect(found.count == expected.count && found.count > 300)
        let difference = zip(found, expected).first { key($0) != key($1) }
        #expect(difference == nil, "in place \(difference.map { key($0.0) } ?? ""), event by event \(difference.map { key($0.1) } ?? "")")
        #expect(Set(found.map(\.timeMillis)).count > 2)
        #expect(found.contains { $0.ruleID == "extra-9" } && found.contains { $0.ruleID == "extra-8" })

        // Merged as they are found (the delivery path: a repeated match with full samples makes nothing): the
        // findings of merging every match afterwards, with their counts, times and samples.
        let merging = RuleSet(loaded: loaded, placeholders: intel)
        var merged = FindingSink.merging(maxSamples: 3)
        var deferred: [RuleSet.PendingMatch]? = []
        merging.evaluate(events, network: network, receivedMillis: 42, into: &merged, deferring: &deferred)
        let aggregates = try #require(merged.aggregator).aggregates
        let reference = FindingAggregate.merge(expected.filter { $0.correlation == nil }, maxSamples: 3)
        func summary(_ a: FindingAggregate) -> String {
            "\(a.finding.id) \(a.count) \(a.firstMillis) \(a.lastMillis) \(a.samples.map { "\($0.id)@\($0.timeMillis)" })"
        }
        #expect(aggregates.count == reference.count && aggregates.count < found.count / 2)
        let firstDifference = zip(aggregates, reference).first { summary($0) != summary($1) }
        #expect(firstDifference == nil, "merged as found \(firstDifference.map { summary($0.0) } ?? ""), afterwards \(firstDifference.map { summary($0.1) } ?? "")")
        #expect(aggregates.contains { $0.count > 3 })
        #expect(!(deferred ?? []).isEmpty)
    }

    static let format = try! FlowLogFormat(parsing: "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${type} ${flow-direction} ${tcp-flags}")

    /// `count` flow lines in `format` with every field's values mixed (a fixed seed).
    static func lines(_ count: Int) -> [String] {
        var x: UInt64 = 0x5EED
        func next(_ n: Int) -> Int {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((x >> 33) % UInt64(n))
        }
        func pick(_ values: [String]) -> String { values[next(values.count)] }
        return (0..<count).map { _ in
            let local = "10.0.\(next(4)).\(1 + next(250))"
            let remote = pick(["203.0.113.\(1 + next(250))", "10.1.2.\(next(250))", "192.0.2.\(next(250))", "45.\(next(256)).\(next(256)).\(next(256))"])
            let (src, dst) = next(2) == 0 ? (local, remote) : (remote, local)
            return [
                next(3) == 0 ? "5" : "2", "123456789012", "eni-0\(next(9))", src, dst,
                pick(["22", "443", "3389", "\(1024 + next(60000))", "-"]), pick(["22", "80", "443", "3333", "6667", "\(32768 + next(20000))", "-"]),
                pick(["6", "17", "1", "-"]), pick(["1", "2", "3", "40", "-"]), pick(["60", "1500000000", "-"]),
                pick(["1700000000", "-"]), pick(["1700000060", "-"]), pick(["ACCEPT", "REJECT", "-"]), pick(["OK", "NODATA", "SKIPDATA", "-"]),
                pick(["IPv4", "IPv6", "EFA", "-"]), pick(["ingress", "egress", "-"]), pick(["2", "6", "18", "0", "-"]),
            ].joined(separator: " ")
        }
    }

    @Test func simplifyFoldsDecidedFields() throws {
        let a = FieldMatcher(path: "action", mode: .values([.string(StringPattern(SigmaString(literal: "ACCEPT"), cased: false))], all: false, orNull: false))
        let p = FieldMatcher(path: "dstport", mode: .values([.number(22)], all: false, orNull: false))
        func decide(_ f: FieldMatcher) -> Bool? { f.decision(choice: 1) }   // action: REJECT
        #expect(a.decision(choice: 0) == true && a.decision(choice: 1) == false && a.decision(choice: nil) == false)
        #expect(p.decision(choice: 0) == nil)
        guard case .constant(false) = (.and([.field(a), .field(p)]) as Matcher).substituting(decide) else { Issue.record("and"); return }
        guard case .field(let kept) = (.or([.field(a), .field(p)]) as Matcher).substituting(decide), kept === p else { Issue.record("or"); return }
        guard case .constant(true) = (.not(.and([.field(p), .field(a)])) as Matcher).substituting(decide) else { Issue.record("not"); return }
    }
}
