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
    ].enumerated().map { i, detection in
        "title: t\(i)\nid: extra-\(i)\nlogsource: {product: aws, service: vpcflowlogs}\n\(detection)\nlevel: low\n"
    }

    @Test func findingsAreThoseOfEachRulesWholeDetection() throws {
        let root = TestPaths.packageRoot
        var problems: [RuleError] = []
        let intel = IntelRegistry.load(IntelConfiguration(folder: root.appendingPathComponent("config/intel").path), problems: &problems)
        var loaded = RuleFileLoader.load(paths: [root.appendingPathComponent("config/rules").path])
        for (i, text) in Self.extraRules.enumerated() { loaded.merge(RuleFileLoader.load(yaml: text, source: "extra-\(i).yml")) }
        var set = RuleSet(loaded: loaded, placeholders: intel.registry)
        set.reportsConsumedMatches = true
        #expect(set.problems.isEmpty, "\(set.problems)")
        let flowRules = set.rules.filter { $0.rule.logsource.covers(.vpcFlowLogs) }
        #expect(flowRules.count >= 15)

        let format = try FlowLogFormat(parsing: "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${type} ${flow-direction} ${tcp-flags}")
        let network = NetworkContext(internalNetworks: try IPSet(parsing: ["10.0.0.0/8"]))
        var x: UInt64 = 0x5EED
        func next(_ n: Int) -> Int {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((x >> 33) % UInt64(n))
        }
        func pick(_ values: [String]) -> String { values[next(values.count)] }
        var checked = 0
        for _ in 0..<4000 {
            let local = "10.0.\(next(4)).\(1 + next(250))"
            let remote = pick(["203.0.113.\(1 + next(250))", "10.1.2.\(next(250))", "192.0.2.\(next(250))", "45.\(next(256)).\(next(256)).\(next(256))"])
            let (src, dst) = next(2) == 0 ? (local, remote) : (remote, local)
            let line = [
                next(3) == 0 ? "5" : "2", "123456789012", "eni-0\(next(9))", src, dst,
                pick(["22", "443", "3389", "\(1024 + next(60000))", "-"]), pick(["22", "80", "443", "3333", "6667", "\(32768 + next(20000))", "-"]),
                pick(["6", "17", "1", "-"]), pick(["1", "2", "3", "40", "-"]), pick(["60", "1500000000", "-"]),
                "1700000000", "1700000060", pick(["ACCEPT", "REJECT", "-"]), pick(["OK", "NODATA", "SKIPDATA", "-"]),
                pick(["IPv4", "IPv6", "EFA", "-"]), pick(["ingress", "egress", "-"]), pick(["2", "6", "18", "0", "-"]),
            ].joined(separator: " ")
            let record = try FlowLogParser(format: format).parse(line)
            let event = DetectionEvent(DecodedEvent(event: .flow(record), context: LogContext(recordIndex: 0)), network: network)
            let found = set.evaluate([event]).filter { $0.correlation == nil }.map(\.ruleID)
            let expected = flowRules.filter { $0.matches(event) }.map { $0.rule.id ?? $0.rule.title }
            #expect(found == expected, "\(line)")
            checked += found.count
        }
        #expect(checked > 500)
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
