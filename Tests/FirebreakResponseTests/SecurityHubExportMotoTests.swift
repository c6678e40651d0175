import FirebreakAWS
import FirebreakDetection
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakResponse

/// The Security Hub export through the outbox against moto: planned for each new finding at or above the export
/// level when its delivery commits, imported by the executor in one call per account and region with the count the
/// store has then, imported again when an open window closes, retried after a failure, and skipped (counted) for an
/// account out of reach.
@Suite(.serialized, .motoServer)
struct SecurityHubExportMotoTests {
    let moto: MotoServer
    let store: ResponseStore
    let coordinator: ResponseCoordinator

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        store = try ResponseStore(path: ":memory:")
        let playbooks = try PlaybookSet.parse(yaml: "playbooks: []\n", source: "none.yaml")
        let planner = ResponsePlanner(playbooks: playbooks, mode: .observe, export: ExportPolicy(minLevel: .medium, securityHub: true))
        coordinator = ResponseCoordinator(store: store, planner: planner, executor: nil)
    }

    var securityHub: SecurityHubClient { SecurityHubClient(client: moto.client(signingName: SecurityHubClient.signingName)) }

    /// An executor in observe mode (exports change nothing in the account: they go in every mode) acting as
    /// 123456789012 through `client`.
    func executor(_ client: SecurityHubClient? = nil) throws -> ActionExecutor {
        let runner = StepRunner(ec2: moto.ec2, securityHub: client ?? securityHub)
        return ActionExecutor(store: store, runners: AccountRunners(home: runner, region: moto.region, ownAccount: "123456789012"),
                              playbooks: try PlaybookSet.parse(yaml: "playbooks: []\n", source: "none.yaml"), mode: .observe)
    }

    /// REJECTed egress of `instance` (version 3 format, account `account`), at `start` (seconds since the epoch).
    func rejected(_ instance: String, account: String = "123456789012", start: Int = 1_700_000_100) throws -> Finding {
        let line = "3 vpc-0f1e2d3c4b5a69788 subnet-0a9b8c7d6e5f40312 \(instance) eni-0a1b2c3d4e5f60718 \(account) IPv4 10.0.1.5 "
            + "198.51.100.7 43512 6667 10.0.1.5 198.51.100.7 6 180 3 \(start) \(start + 60) REJECT 2 OK"
        return try Fixtures.finding(Fixtures.egressRejected, flow: line)
    }

    func commit(_ requestID: String, _ findings: [Finding]) throws {
        let delivery = DeliveryRecord(requestID: requestID, receivedAt: Date(), records: 1, events: findings.count,
                                      findings: findings.count)
        _ = try #require(try coordinator.commit(delivery, findings: findings))
    }

    func exportAction(_ finding: Finding) throws -> ActionRecord {
        let actions = try #require(try store.finding(id: finding.id)).1
        return try #require(actions.first { $0.action.step.kind == .securityHub }, "no export planned: \(actions)")
    }

    func productFields(_ finding: Finding) throws -> [String: Any] {
        let found = try #require(try securityHub.getFindings(ids: [ASFFFinding.id(findingID: finding.id)]).first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(found.json.utf8)) as? [String: Any])
        return object["ProductFields"] as? [String: Any] ?? [:]
    }

    @Test func exportsGoTogetherWithTheCountTheStoreHas() throws {
        let findings = try ["i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2", "i-0aaaaaaaaaaaaaaa3"].map { try rejected($0) }
        try commit("req-1", findings)
        // The first instance's finding again in a later delivery: counted, not planned again.
        try commit("req-2", [try rejected("i-0aaaaaaaaaaaaaaa1")])
        let start = moto.transport.count
        #expect(try executor().runOnce() == 3)
        let imports = moto.transport.bodies(since: start).filter { $0.hasPrefix(#"{"Findings":"#) }
        #expect(imports.count == 1, "one BatchImportFindings for the three")
        for finding in findings {
            #expect(try exportAction(finding).action.state == .done)
            #expect(try exportAction(finding).action.reason?.contains("imported into Security Hub as firebreak/\(finding.id)") == true)
        }
        #expect(try productFields(findings[0])["firebreak/Count"] as? String == "2")
        #expect(try productFields(findings[1])["firebreak/Count"] as? String == "1")
        // Done: the next round has nothing to import.
        #expect(try executor().runOnce() == 0)
    }

    @Test func anOpenWindowIsImportedNowAndAgainWhenItCloses() throws {
        let finding = try rejected("i-0bbbbbbbbbbbbbbb1", start: Int(Date().timeIntervalSince1970) - 60)
        try commit("req-open", [finding])
        #expect(try executor().runOnce() == 1)
        let record = try exportAction(finding)
        #expect(record.action.state == .pending)
        #expect(record.lastError?.contains("imported again with its final count when its window closes") == true)
        let windowEnd = try #require(try store.finding(id: finding.id)?.0.windowEndMillis)
        #expect(record.notBefore == Date(timeIntervalSince1970: TimeInterval(windowEnd) / 1000 + SummaryAlerts.grace))
        #expect(try productFields(finding)["firebreak/Count"] as? String == "1")
    }

    @Test func aFailedImportIsRetriedNotLost() throws {
        let finding = try rejected("i-0ccccccccccccccc1")
        try commit("req-fail", [finding])
        // Nothing listens on the discard port: the call fails before Security Hub sees it.
        let unreachable = AWSClient(endpoint: URL(string: "http://127.0.0.1:9/")!, region: moto.region,
                                    signingName: SecurityHubClient.signingName,
                                    credentials: StaticCredentialProvider(moto.credentials), transport: CurlTransport(),
                                    retryPolicy: RetryPolicy(maxAttempts: 1, baseDelay: .milliseconds(1), deadline: .seconds(2)))
        #expect(try executor(SecurityHubClient(client: unreachable)).runOnce() == 1)
        let failed = try exportAction(finding)
        #expect(failed.action.state == .pending && failed.attempts == 1 && failed.lastError != nil)
        #expect(try securityHub.getFindings(ids: [ASFFFinding.id(findingID: finding.id)]).isEmpty)

        Thread.sleep(until: failed.notBefore.addingTimeInterval(0.1))
        #expect(try executor().runOnce() == 1)
        #expect(try exportAction(finding).action.state == .done)
        #expect(try productFields(finding)["firebreak/FindingId"] as? String == finding.id)
    }

    @Test func anAccountOutOfReachIsSkippedAndCounted() throws {
        let finding = try rejected("i-0ddddddddddddddd1", account: "111111111111")
        try commit("req-member", [finding])
        let executor = try executor()
        #expect(try executor.runOnce() == 1)
        let record = try exportAction(finding)
        #expect(record.action.state == .skipped)
        #expect(record.action.reason?.contains("account 111111111111") == true)
        #expect(record.action.reason?.contains("aws.assume_role_arn is not set") == true)
        #expect(executor.counts.byOutcome["foreign_account"] == 1)
        #expect(try securityHub.getFindings(ids: [ASFFFinding.id(findingID: finding.id)]).isEmpty)
    }

    @Test func findingsBelowTheLevelAreNotExported() throws {
        let playbooks = try PlaybookSet.parse(yaml: "playbooks: []\n", source: "none.yaml")
        let finding = try rejected("i-0eeeeeeeeeeeeeee1")
        #expect(finding.level == .high)
        let strict = ResponsePlanner(playbooks: playbooks, mode: .observe, export: ExportPolicy(minLevel: .critical, securityHub: true))
        #expect(strict.plan(finding).isEmpty)
        let off = ResponsePlanner(playbooks: playbooks, mode: .observe, export: ExportPolicy(minLevel: .low, securityHub: false))
        #expect(off.plan(finding).isEmpty)
        let on = ResponsePlanner(playbooks: playbooks, mode: .observe, export: ExportPolicy(minLevel: .high, securityHub: true))
        #expect(on.plan(finding).map(\.step.kind) == [.securityHub])
        #expect(on.plan(finding).first?.place == ActionPlace(account: "123456789012", region: nil))
    }
}
