import Foundation
import Testing
@testable import FirebreakResponse

@Suite struct ResponseStoreCommitTests {
    @Test func commitThenDuplicateRequestIDWritesNothing() throws {
        let folder = TemporaryFolder()
        let store = try ResponseStore(path: folder.path("store.db"))
        let first = try store.commit(delivery: Fixture.delivery("req-1"), findings: [Fixture.finding("f-1")],
                                     actions: Fixture.plan(finding: "f-1"), now: Fixture.t0)
        guard case let .committed(summary) = first else {
            Issue.record("first commit reported a duplicate")
            return
        }
        #expect(summary.insertedFindingIDs == ["f-1"])
        #expect(summary.insertedActions.map(\.id) == ["act-f-1-1", "act-f-1-2", "act-f-1-3"])
        #expect(summary.duplicateActions == 0)
        #expect(try store.hasDelivery("req-1"))
        #expect(try !store.hasDelivery("req-2"))

        // Redelivery of the same request, even with different content: nothing is written.
        let second = try store.commit(delivery: Fixture.delivery("req-1"), findings: [Fixture.finding("f-2")],
                                      actions: Fixture.plan(finding: "f-2", instance: "i-other"), now: Fixture.t0)
        #expect(second == .duplicate)
        #expect(try store.findings().map(\.id) == ["f-1"])
        #expect(try store.finding(id: "f-2") == nil)
        #expect(try store.pendingCount() == 3)
    }

    /// Text is bound from its bytes in place: an empty value is stored as empty text (not NULL, which the NOT NULL
    /// columns would refuse), and one with a NUL byte or non-ASCII is stored whole.
    @Test func emptyAndUnusualTextIsStoredAsGiven() throws {
        let store = try ResponseStore(path: ":memory:")
        let odd = "a\u{0}b é 漢 🙂"
        let finding = StoredFinding(id: "f-odd", ruleID: "rule-1", title: odd, level: "high", timeMillis: 1_000,
                                    resourceType: "", resourceID: "", json: #"{"id":"f-odd"}"#)
        _ = try store.commit(delivery: Fixture.delivery("req-odd"), findings: [finding], actions: [], now: Fixture.t0)
        let stored = try #require(try store.finding(id: "f-odd")).0
        #expect(stored.resourceType == "")
        #expect(stored.resourceID == "")
        #expect(stored.title.utf8.count == odd.utf8.count)
    }

    @Test func sameFindingFromTwoDeliveriesIsOneRow() throws {
        let store = try ResponseStore(path: ":memory:")
        _ = try store.commit(delivery: Fixture.delivery("req-1"), findings: [Fixture.finding("f-1")], actions: [],
                             now: Fixture.t0)
        let outcome = try store.commit(delivery: Fixture.delivery("req-2"),
                                       findings: [Fixture.finding("f-1"), Fixture.finding("f-3", timeMillis: 2_000)],
                                       actions: [], now: Fixture.t0)
        #expect(outcome == .committed(CommitSummary(insertedFindingIDs: ["f-3"], knownFindings: 1)))
        #expect(try store.findings().map(\.id) == ["f-3", "f-1"])
    }

    @Test func idempotencyKeyInsideWindowIsNotInsertedTwiceOutsideItIs() throws {
        let store = try ResponseStore(path: ":memory:", idempotencyWindow: 3600)
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")

        // A second finding about the same instance 10 minutes later plans the same keys.
        let later = Fixture.t0.addingTimeInterval(600)
        let again = try Fixture.commitPlan(store, request: "req-2", finding: "f-2", at: later)
        #expect(again.insertedFindingIDs == ["f-2"])
        #expect(again.insertedActions.isEmpty)
        #expect(again.duplicateActions == 3)

        // Two hours later the same keys are planned again; the action ids (derived from the key) are
        // taken, so they are stored under a suffixed id.
        let much = Fixture.t0.addingTimeInterval(7200)
        var plan = Fixture.plan(finding: "f-1")
        plan[0].id = "fresh-id"
        let outcome = try store.commit(delivery: Fixture.delivery("req-3"), findings: [], actions: plan, now: much)
        guard case let .committed(summary) = outcome else {
            Issue.record("unexpected duplicate")
            return
        }
        #expect(summary.duplicateActions == 0)
        #expect(summary.insertedActions.map(\.id) == [
            "fresh-id", "act-f-1-2-\(much.storeMillis)", "act-f-1-3-\(much.storeMillis)",
        ])
        #expect(try store.pendingCount() == 6)
    }

    @Test func sameKeyTwiceInOneBatchIsInsertedOnce() throws {
        let store = try ResponseStore(path: ":memory:")
        let findings = [Fixture.finding("f-1"), Fixture.finding("f-2")]
        let actions = [Fixture.action(.isolate, finding: "f-1", sequence: 1),
                       Fixture.action(.isolate, finding: "f-2", sequence: 1)]
        let outcome = try store.commit(delivery: Fixture.delivery("req-1"), findings: findings, actions: actions,
                                       now: Fixture.t0)
        guard case let .committed(summary) = outcome else {
            Issue.record("unexpected duplicate")
            return
        }
        #expect(summary.insertedActions.map(\.findingID) == ["f-1"])
        #expect(summary.duplicateActions == 1)
    }

    @Test func failingInsertRollsEverythingBack() throws {
        let folder = TemporaryFolder()
        let store = try ResponseStore(path: folder.path("store.db"))
        // The second action names a finding that does not exist: the foreign key fails.
        var actions = Fixture.plan(finding: "f-1")
        actions[1].findingID = "no-such-finding"
        #expect {
            try store.commit(delivery: Fixture.delivery("req-1"), findings: [Fixture.finding("f-1")],
                             actions: actions, now: Fixture.t0)
        } throws: { error in
            guard let error = error as? StoreError, case let .sqlite(path, _, code, message) = error else { return false }
            return path.hasSuffix("store.db") && code & 0xff == 19 && message.contains("FOREIGN KEY")
        }
        #expect(try !store.hasDelivery("req-1"))
        #expect(try store.findings().isEmpty)
        #expect(try store.pendingCount() == 0)
        #expect(try store.actionCounts().isEmpty)

        // Firehose redelivers: the corrected batch commits.
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
        #expect(try store.pendingCount() == 3)
    }

    @Test func queriesFilterAndOrder() throws {
        let store = try ResponseStore(path: ":memory:")
        let findings = [
            Fixture.finding("a", rule: "r1", level: "high", timeMillis: 1_000),
            Fixture.finding("b", rule: "r2", level: "low", timeMillis: 3_000),
            Fixture.finding("c", rule: "r1", level: "low", timeMillis: 2_000),
        ]
        let actions = [Fixture.action(.snapshot, finding: "a", sequence: 1),
                       Fixture.action(.alert, finding: "a", sequence: 2)]
        _ = try store.commit(delivery: Fixture.delivery("req"), findings: findings, actions: actions, now: Fixture.t0)
        #expect(try store.findings().map(\.id) == ["b", "c", "a"])
        #expect(try store.findings(limit: 1).map(\.id) == ["b"])
        #expect(try store.findings(level: "low").map(\.id) == ["b", "c"])
        #expect(try store.findings(rule: "r1").map(\.id) == ["c", "a"])
        #expect(try store.findings(since: Date(timeIntervalSince1970: 2), rule: "r1").map(\.id) == ["c"])

        let found = try #require(try store.finding(id: "a"))
        #expect(found.0 == findings[0])
        #expect(found.1.map(\.id) == ["act-a-1", "act-a-2"])
        let snapshot = found.1[0]
        #expect(snapshot.action == actions[0])
        #expect(snapshot.step.options == ["reason": "test"])
        #expect(snapshot.attempts == 0 && snapshot.awsRequestIDs.isEmpty && snapshot.lastError == nil)
        #expect(snapshot.createdAt == Fixture.t0)

        #expect(try store.actionCounts() == [ActionCount(step: .alert, state: .pending, count: 1),
                                             ActionCount(step: .snapshot, state: .pending, count: 1)])
    }
}

/// A finding that counts what the store asks of it.
private struct CountingFinding: CommitFinding {
    var stored: StoredFinding
    var rows = 0, sampleLimits: [Int] = [], plans = 0

    var id: String { stored.id }
    var count: Int { stored.count }
    var firstSeenMillis: Int64 { stored.firstSeenMillis }
    var lastSeenMillis: Int64 { stored.lastSeenMillis }
    mutating func row() -> StoredFinding { rows += 1; return stored }
    mutating func samples(limit: Int) -> [String] { sampleLimits.append(limit); return Array(stored.samples.prefix(limit)) }
    mutating func plannedActions() -> [PlannedAction] { plans += 1; return Fixture.plan(finding: stored.id) }
}

@Suite struct ResponseStoreLazyCommitTests {
    /// A finding the store has from an earlier delivery is counted without its row being rendered or its response
    /// planned again; its samples are asked for only while the stored ones leave room.
    @Test func aKnownFindingIsCountedNotRenderedNorPlanned() throws {
        let store = try ResponseStore(path: ":memory:")
        func finding(_ samples: [String], count: Int, at time: Int64) -> CountingFinding {
            var stored = Fixture.finding("f-1", timeMillis: time)
            stored.samples = samples
            stored.count = count
            return CountingFinding(stored: stored)
        }
        var first = [finding(["{\"n\":1}", "{\"n\":2}"], count: 2, at: 1_000)]
        guard case .committed(let one) = try store.commit(delivery: Fixture.delivery("req-1"), findings: &first, now: Fixture.t0, maxSamples: 3) else {
            Issue.record("duplicate"); return
        }
        #expect(first[0].rows == 1 && first[0].plans == 1 && first[0].sampleLimits.isEmpty)
        #expect(one.insertedFindingIDs == ["f-1"] && one.insertedActions.count == 3)

        var second = [finding(["{\"n\":3}", "{\"n\":4}"], count: 2, at: 5_000)]
        guard case .committed(let two) = try store.commit(delivery: Fixture.delivery("req-2"), findings: &second, now: Fixture.t0, maxSamples: 3) else {
            Issue.record("duplicate"); return
        }
        #expect(second[0].rows == 0 && second[0].plans == 0 && second[0].sampleLimits == [1])
        #expect(two.insertedFindingIDs.isEmpty && two.knownFindings == 1 && two.insertedActions.isEmpty)

        var third = [finding(["{\"n\":5}"], count: 1, at: 500)]
        _ = try store.commit(delivery: Fixture.delivery("req-3"), findings: &third, now: Fixture.t0, maxSamples: 3)
        #expect(third[0].rows == 0 && third[0].plans == 0 && third[0].sampleLimits.isEmpty)   // samples full

        let (row, actions) = try #require(try store.finding(id: "f-1"))
        #expect(row.count == 5 && row.firstSeenMillis == 500 && row.lastSeenMillis == 5_000)
        #expect(row.samples == ["{\"n\":1}", "{\"n\":2}", "{\"n\":3}"])
        #expect(actions.count == 3)
    }
}
