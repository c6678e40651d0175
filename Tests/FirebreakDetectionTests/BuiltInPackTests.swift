import FirebreakLogs
import Foundation
import Testing
@testable import FirebreakDetection
import FirebreakTestSupport

/// The built-in rule pack (config/rules) with its intel lists: every rule loads, and every rule's
/// test events give the expected findings — the same check as `firebreak rules test`.
@Suite struct BuiltInPackTests {
    static let root = TestPaths.packageRoot
    static let rules = root.appendingPathComponent("config/rules").path
    static let intel = IntelConfiguration(folder: root.appendingPathComponent("config/intel").path)
    static let network = NetworkContext(internalNetworks: try! IPSet(parsing: ["10.0.0.0/16"]))

    @Test func everyRuleLoadsAndCompiles() {
        let (set, report) = DetectionEngine.load(DetectionSources(rulePaths: [Self.rules], intel: Self.intel, network: Self.network))
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(set.rules.count >= 25)
        #expect(set.correlations.count >= 4)
        #expect(report.lists["known_bad_ips"] ?? 0 > 0)
        #expect(report.lists["expected_egress_ports"] ?? 0 > 0)
    }

    /// The pack and its lists, loaded once for every test-event file.
    static let packAndLists: (ruleSet: RuleSet, loaded: LoadedRules, lists: IntelRegistry, problems: [RuleError]) = {
        var problems: [RuleError] = []
        let intel = IntelRegistry.load(BuiltInPackTests.intel, problems: &problems)
        let loaded = RuleFileLoader.load(paths: [BuiltInPackTests.rules])
        return (RuleSet(loaded: loaded, placeholders: intel.registry), loaded, intel.registry, problems)
    }()

    @Test(arguments: RuleTestSuite.files(in: [BuiltInPackTests.rules]))
    func ruleTestEvents(file: String) throws {
        let (ruleSet, loaded, lists, problems) = Self.packAndLists
        #expect(problems.isEmpty && ruleSet.problems.isEmpty, "\(problems + ruleSet.problems)")
        let suite = try RuleTestSuite.load(file: file)
        let outcomes = suite.run(ruleSet: suite.ruleSet(shared: ruleSet, loaded: loaded, placeholders: lists), network: Self.network)
        #expect(outcomes.contains { $0.expectMatch } && outcomes.contains { !$0.expectMatch }, "each rule has both kinds of test event")
        for outcome in outcomes {
            #expect(outcome.passed, "\(outcome.name): expected \(outcome.expectMatch ? "a finding" : "no finding") of \(outcome.ruleID)")
        }
    }

    /// The three rules of the original design, by the behaviour the design asks of them.
    @Test func originalDesignRules() throws {
        let (set, _) = DetectionEngine.load(DetectionSources(rulePaths: [Self.rules], intel: Self.intel, network: Self.network))
        func ids(_ line: String) throws -> Set<String> {
            let event = DetectionEvent(DecodedEvent(event: .flow(try FlowLogParser().parse(line)), context: LogContext(recordIndex: 0)),
                                       network: Self.network)
            return Set(set.evaluate([event]).map(\.ruleID))
        }
        let egressRejected = "dfd8ecc8-bff6-4a46-9f3b-cd868b796a9f"
        let unexpectedPort = "c862bbce-5ea3-459c-97c5-3d3635b8ba75"
        let knownBad = "85d6cf3a-660c-4454-87b1-3b995b2f27dd"
        // (a) the instance's own outbound traffic REJECTed → high; inbound REJECTs from the internet do not match.
        #expect(try ids("2 123456789012 eni-1 10.0.1.5 192.0.2.44 43512 8443 6 3 180 1700000100 1700000160 REJECT OK").contains(egressRejected))
        #expect(!(try ids("2 123456789012 eni-1 192.0.2.44 10.0.1.5 43512 22 6 3 180 1700000100 1700000160 REJECT OK").contains(egressRejected)))
        // (b) outbound on a port outside the expected list → medium; 443 is expected.
        #expect(try ids("2 123456789012 eni-1 10.0.1.5 192.0.2.44 43512 6667 6 30 1800 1700000100 1700000160 ACCEPT OK").contains(unexpectedPort))
        #expect(!(try ids("2 123456789012 eni-1 10.0.1.5 192.0.2.44 43512 443 6 30 1800 1700000100 1700000160 ACCEPT OK").contains(unexpectedPort)))
        // (c) contact with an address on the known-bad list → high.
        #expect(try ids("2 123456789012 eni-1 10.0.1.5 203.0.113.66 43512 443 6 30 1800 1700000100 1700000160 ACCEPT OK").contains(knownBad))
        #expect(!(try ids("2 123456789012 eni-1 10.0.1.5 203.0.113.67 43512 443 6 30 1800 1700000100 1700000160 ACCEPT OK").contains(knownBad)))
    }
}
