import FirebreakAWS
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Synchronization
import Testing
@testable import FirebreakResponse

/// What the service relies on from a state store, run against both backends: the SQLite file and the DynamoDB table
/// (moto_server with signature checking on). Two "tasks" are two stores on one file or one table.
@Suite(.serialized, .motoServer)
struct StateStoreContractTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, dynamodb
        var testDescription: String { rawValue }
    }

    /// Stores of one backend sharing one file or table.
    final class Stores {
        let folder = TemporaryFolder()
        let backend: Backend
        let dynamo: DynamoDBClient?

        init(_ backend: Backend) throws {
            self.backend = backend
            if backend == .dynamodb {
                let moto = try #require(MotoServer.current, "the suite runs with .motoServer")
                try moto.reset()
                dynamo = try moto.stateTable()
            } else {
                dynamo = nil
            }
        }

        /// A store as task `owner` sees it.
        func task(_ owner: String = "task-a", idempotencyWindow: TimeInterval = 3600) throws -> any StateStore {
            if let dynamo {
                return DynamoDBStateStore(dynamo: dynamo, table: "firebreak-state", owner: owner,
                                          idempotencyWindow: idempotencyWindow)
            }
            return try ResponseStore(path: folder.path("state.db"), idempotencyWindow: idempotencyWindow)
        }
    }

    private func commit(_ store: any StateStore, _ request: String, findings: [StoredFinding],
                        actions: [PlannedAction] = [], at now: Date = Fixture.t0) throws -> CommitOutcome {
        var findings = findings
        return try store.commit(delivery: Fixture.delivery(request, at: now), findings: &findings, actions: actions,
                                now: now, maxSamples: 5)
    }

    private func commitPlan(_ store: any StateStore, _ request: String, finding: String, instance: String = "i-0abc",
                            at now: Date = Fixture.t0) throws -> CommitSummary {
        let outcome = try commit(store, request, findings: [Fixture.finding(finding, instance: instance)],
                                 actions: Fixture.plan(finding: finding, instance: instance), at: now)
        guard case .committed(let summary) = outcome else { throw Fixture.FixtureError.unexpectedDuplicate }
        return summary
    }

    @Test(arguments: Backend.allCases)
    func aRedeliveryOnAnyTaskChangesNothing(backend: Backend) throws {
        let stores = try Stores(backend)
        let a = try stores.task("task-a"), b = try stores.task("task-b")
        let summary = try commitPlan(a, "req-1", finding: "f-1")
        #expect(summary.insertedFindingIDs == ["f-1"] && summary.insertedActions.count == 3)
        #expect(try b.hasDelivery("req-1"))
        #expect(try !b.hasDelivery("req-2"))
        #expect(try commit(b, "req-1", findings: [Fixture.finding("f-1"), Fixture.finding("f-9")]) == .duplicate)
        #expect(try b.finding(id: "f-9") == nil)
        let (stored, actions) = try #require(try b.finding(id: "f-1"))
        #expect(stored.count == 1)
        #expect(actions.map(\.step.kind) == [.snapshot, .terminate, .alert])
        #expect(try b.pendingCount() == 3)
    }

    @Test(arguments: Backend.allCases)
    func aKnownFindingIsCountedAndItsResponseNotPlannedAgain(backend: Backend) throws {
        let stores = try Stores(backend)
        let a = try stores.task("task-a"), b = try stores.task("task-b")
        _ = try commitPlan(a, "req-1", finding: "f-1")
        var again = Fixture.finding("f-1")
        again.count = 4
        again.firstSeenMillis = 500
        again.lastSeenMillis = 9_000
        again.samples = [#"{"n":2}"#]
        let outcome = try commit(b, "req-2", findings: [again], actions: Fixture.plan(finding: "f-1"))
        guard case .committed(let summary) = outcome else { Issue.record("not committed"); return }
        #expect(summary.knownFindings == 1 && summary.insertedActions.isEmpty && summary.duplicateActions == 3)
        let stored = try #require(try a.finding(id: "f-1")?.0)
        #expect(stored.count == 5 && stored.firstSeenMillis == 500 && stored.lastSeenMillis == 9_000)
        #expect(stored.samples == [#"{"n":2}"#])
        #expect(try a.pendingCount() == 3)
    }

    @Test(arguments: Backend.allCases)
    func anIdempotencyKeyPlansOneActionInItsWindow(backend: Backend) throws {
        let stores = try Stores(backend)
        let a = try stores.task("task-a", idempotencyWindow: 600), b = try stores.task("task-b", idempotencyWindow: 600)
        // Two findings about one instance, on two tasks: one snapshot, terminate and alert.
        _ = try commitPlan(a, "req-1", finding: "f-1")
        let second = try commitPlan(b, "req-2", finding: "f-2")
        #expect(second.insertedActions.isEmpty && second.duplicateActions == 3)
        // After the window the same key is planned again; its action id, taken by the old one, gets a suffix.
        let later = Fixture.t0.addingTimeInterval(601)
        var plan = Fixture.plan(finding: "f-3")
        for index in plan.indices { plan[index].id = "act-f-1-\(index + 1)" }
        guard case .committed(let third) = try commit(b, "req-3", findings: [Fixture.finding("f-3")], actions: plan, at: later) else {
            Issue.record("not committed"); return
        }
        #expect(third.insertedActions.map(\.id) == plan.map { "\($0.id)-\(later.storeMillis)" })
        #expect(try a.action(id: "act-f-1-1-\(later.storeMillis)")?.findingID == "f-3")
        #expect(try a.action(id: "act-f-1-1")?.findingID == "f-1")
    }

    @Test(arguments: Backend.allCases)
    func stepsRunInPlanOrderAndAFailureSkipsLaterAccountChanges(backend: Backend) throws {
        let stores = try Stores(backend)
        let a = try stores.task("task-a"), b = try stores.task("task-b")
        _ = try commitPlan(a, "req-1", finding: "f-1")
        _ = try commitPlan(a, "req-2", finding: "f-2", instance: "i-0def")
        let now = Fixture.t0
        let first = try a.claim(limit: 10, now: now, lease: 300)
        #expect(first.map(\.step.kind) == [.snapshot, .snapshot])
        #expect(first.allSatisfy { $0.state == .running && $0.attempts == 1 })
        // The terminates wait for their snapshots, on every task.
        #expect(try b.claim(limit: 10, now: now, lease: 300).isEmpty)
        try a.finish(actionID: "act-f-1-1", state: .done, reason: nil, error: nil, awsRequestIDs: ["aws-1"],
                     createdIDs: ["snap-1"], now: now)
        try a.finish(actionID: "act-f-2-1", state: .failed, reason: nil, error: "UnauthorizedOperation", awsRequestIDs: [],
                     createdIDs: [], now: now)
        #expect(try b.action(id: "act-f-2-2")?.state == .skipped)
        #expect(try b.action(id: "act-f-2-2")?.reason == ResponseStore.earlierStepFailed)
        let second = try b.claim(limit: 10, now: now, lease: 300)
        #expect(Set(second.map(\.id)) == ["act-f-1-2", "act-f-2-3"])
        let done = try #require(try b.action(id: "act-f-1-1"))
        #expect(done.awsRequestIDs == ["aws-1"] && done.createdIDs == ["snap-1"])
        // Finishing again the same way is a no-op; another way is refused.
        try a.finish(actionID: "act-f-1-1", state: .done, reason: nil, error: nil, awsRequestIDs: [], createdIDs: [], now: now)
        #expect(throws: StoreError.invalidTransition(id: "act-f-1-1", from: .done, to: .failed)) {
            try a.finish(actionID: "act-f-1-1", state: .failed, reason: nil, error: nil, awsRequestIDs: [], createdIDs: [], now: now)
        }
        #expect(throws: StoreError.actionNotFound(id: "nope")) {
            try a.finish(actionID: "nope", state: .done, reason: nil, error: nil, awsRequestIDs: [], createdIDs: [], now: now)
        }
        let counts = Dictionary(try a.actionCounts().map { ("\($0.step.rawValue)|\($0.state.rawValue)", $0.count) }) { $0 + $1 }
        #expect(counts == ["snapshot|done": 1, "snapshot|failed": 1, "terminate|running": 1, "terminate|skipped": 1,
                           "alert|running": 1, "alert|pending": 1])
    }

    @Test(arguments: Backend.allCases)
    func aHeldStepSkipsLaterAccountChangesAndAPlannedSkipBlocksNothing(backend: Backend) throws {
        let stores = try Stores(backend)
        let a = try stores.task()
        var plan = Fixture.plan(finding: "f-2")
        plan[0].state = .skipped
        plan[0].reason = "observe mode"
        _ = try commit(a, "req-2", findings: [Fixture.finding("f-2")], actions: plan)
        _ = try commitPlan(a, "req-1", finding: "f-1", instance: "i-0def")
        let claimed = try a.claim(limit: 10, now: Fixture.t0, lease: 300)
        #expect(Set(claimed.map(\.id)) == ["act-f-2-2", "act-f-1-1"])
        try a.finish(actionID: "act-f-1-1", state: .held, reason: "blast-radius limit", error: nil, awsRequestIDs: [],
                     createdIDs: [], now: Fixture.t0)
        #expect(try a.action(id: "act-f-1-2")?.reason == ResponseStore.earlierStepHeld)
    }

    @Test(arguments: Backend.allCases)
    func aRetryWaitsForItsTimeAndALeaseThatRunsOutIsTakenOver(backend: Backend) throws {
        let stores = try Stores(backend)
        let a = try stores.task("task-a"), b = try stores.task("task-b")
        _ = try commitPlan(a, "req-1", finding: "f-1")
        let snapshot = try #require(try a.claim(limit: 1, now: Fixture.t0, lease: 60).first)
        let retryAt = Fixture.t0.addingTimeInterval(30)
        try a.retryLater(actionID: snapshot.id, error: "RequestLimitExceeded", notBefore: retryAt, awsRequestIDs: ["aws-1"],
                         now: Fixture.t0)
        #expect(throws: StoreError.invalidTransition(id: snapshot.id, from: .pending, to: .pending)) {
            try a.retryLater(actionID: snapshot.id, error: "x", notBefore: retryAt, awsRequestIDs: [], now: Fixture.t0)
        }
        #expect(try b.claim(limit: 10, now: retryAt.addingTimeInterval(-1), lease: 60).isEmpty)
        let again = try #require(try a.claim(limit: 10, now: retryAt, lease: 60).first)
        #expect(again.id == snapshot.id && again.attempts == 2 && again.awsRequestIDs == ["aws-1"] && again.notBefore == retryAt)
        // Task a dies holding it: task b takes it over once the lease has run out, not before.
        #expect(try b.claim(limit: 10, now: retryAt.addingTimeInterval(59), lease: 60).isEmpty)
        let taken = try #require(try b.claim(limit: 10, now: retryAt.addingTimeInterval(61), lease: 60).first)
        #expect(taken.id == snapshot.id && taken.attempts == 3 && taken.lastError == "lease expired: taken over")
        // Given back without an attempt counted.
        try b.release(actionIDs: [taken.id], now: retryAt.addingTimeInterval(62))
        #expect(try a.action(id: taken.id)?.state == .pending)
        #expect(try a.claim(limit: 10, now: retryAt.addingTimeInterval(62), lease: 60).first?.attempts == 4)
    }

    @Test(arguments: Backend.allCases)
    func twoTasksClaimingAtOnceNeverGetTheSameAction(backend: Backend) throws {
        let stores = try Stores(backend)
        let a = try stores.task("task-a"), b = try stores.task("task-b")
        for index in 0..<30 {
            let finding = "f-\(index)"
            _ = try commit(a, "req-\(index)", findings: [Fixture.finding(finding)],
                           actions: [Fixture.action(.tag, finding: finding, sequence: 1, instance: "i-\(index)")])
        }
        let (ids, failures) = Fixture.claimConcurrently([a, b])
        #expect(failures.isEmpty)
        #expect(ids.count == 30 && Set(ids).count == 30, "\(ids.count) claimed, \(Set(ids).count) distinct")
        #expect(try a.actionCounts() == [ActionCount(step: .tag, state: .running, count: 30)])
    }

    @Test(arguments: Backend.allCases)
    func findingsAreListedNewestFirstWithFilters(backend: Backend) throws {
        let stores = try Stores(backend)
        let a = try stores.task()
        let day: Int64 = 86_400_000
        let base = Date().storeMillis - 3 * day
        _ = try commit(a, "req-1", findings: [
            Fixture.finding("a", rule: "r1", level: "high", timeMillis: base),
            Fixture.finding("b", rule: "r2", level: "low", timeMillis: base + 2 * day),
            Fixture.finding("c", rule: "r1", level: "low", timeMillis: base + day),
        ], at: Date())
        // Event times of long ago (a replay of old logs) are listed too.
        _ = try commit(a, "req-2", findings: [Fixture.finding("old", timeMillis: 1_000)], at: Date())
        let since = Date(storeMillis: base - 1)
        #expect(try a.findings(since: since, level: nil, rule: nil, limit: 10).map(\.id) == ["b", "c", "a"])
        #expect(try a.findings(since: since, level: "low", rule: nil, limit: 10).map(\.id) == ["b", "c"])
        #expect(try a.findings(since: since, level: nil, rule: "r1", limit: 10).map(\.id) == ["c", "a"])
        #expect(try a.findings(since: Date(storeMillis: base + day), level: nil, rule: nil, limit: 10).map(\.id) == ["b", "c"])
        #expect(try a.findings(since: since, level: nil, rule: nil, limit: 2).map(\.id) == ["b", "c"])
        #expect(try a.findings(since: nil, level: nil, rule: nil, limit: 10).map(\.id) == ["b", "c", "a", "old"])
    }

    @Test(arguments: Backend.allCases)
    func theBlastRadiusHoldsAcrossTasks(backend: Backend) throws {
        let stores = try Stores(backend)
        let tasks = [try stores.task("task-a"), try stores.task("task-b"), try stores.task("task-c")]
        let now = Fixture.t0
        var reserved: [String] = []
        for index in 0..<6 {
            let store = tasks[index % 3]
            let id = "terminate-\(index)"
            if try store.reserveDestructive(actionID: id, limit: 5, window: 3600, now: now) == nil {
                reserved.append(id)
                // SQLite counts what is done; the table counts what is reserved.
                if backend == .sqlite {
                    _ = try commit(store, "req-\(index)", findings: [Fixture.finding("f-\(index)")],
                                   actions: [Fixture.action(.terminate, finding: "f-\(index)", sequence: 1, instance: "i-\(index)")])
                    let claimed = try #require(try store.claim(limit: 1, now: now, lease: 60).first)
                    try store.finish(actionID: claimed.id, state: .done, reason: nil, error: nil, awsRequestIDs: [],
                                     createdIDs: [], now: now)
                }
            }
        }
        #expect(reserved.count == 5)
        #expect(try tasks[1].reserveDestructive(actionID: "terminate-5", limit: 5, window: 3600, now: now) == 5)
        guard backend == .dynamodb else { return }
        // A place is the action's: asking again keeps it; giving it back makes room for another.
        #expect(try tasks[2].reserveDestructive(actionID: "terminate-0", limit: 5, window: 3600, now: now) == nil)
        try tasks[2].releaseDestructive(actionID: "terminate-0", window: 3600, now: now)
        try tasks[2].releaseDestructive(actionID: "terminate-0", window: 3600, now: now)
        #expect(try tasks[1].reserveDestructive(actionID: "terminate-5", limit: 5, window: 3600, now: now) == nil)
        #expect(try tasks[0].reserveDestructive(actionID: "terminate-6", limit: 5, window: 3600, now: now) == 5)
        // The next window still counts the previous one: no more than five in any hour.
        let next = now.addingTimeInterval(3600)
        #expect(try tasks[0].reserveDestructive(actionID: "terminate-6", limit: 5, window: 3600, now: next) == 5)
        let twoLater = now.addingTimeInterval(7200)
        #expect(try tasks[0].reserveDestructive(actionID: "terminate-6", limit: 5, window: 3600, now: twoLater) == nil)
    }

    @Test(arguments: Backend.allCases)
    func summariesAreDueOnceTheWindowClosesWithMoreThanOneMatch(backend: Backend) throws {
        let stores = try Stores(backend)
        let a = try stores.task()
        for (id, count) in [("f-1", 3), ("f-2", 1)] {
            var finding = Fixture.finding(id)
            finding.count = count
            finding.windowEndMillis = Fixture.t0.storeMillis + 1000
            var alert = Fixture.action(.alert, finding: id, sequence: 1, key: "alert/\(id)")
            alert.step = PlaybookStep(.alert, options: ["summary": "true"])
            _ = try commit(a, "req-\(id)", findings: [finding], actions: [alert])
        }
        #expect(try a.dueSummaries(windowEndedBefore: Fixture.t0.addingTimeInterval(2), limit: 10).isEmpty)  // not run yet
        for action in try a.claim(limit: 10, now: Fixture.t0, lease: 60) {
            try a.finish(actionID: action.id, state: .done, reason: nil, error: nil, awsRequestIDs: [], createdIDs: [], now: Fixture.t0)
        }
        #expect(try a.dueSummaries(windowEndedBefore: Fixture.t0, limit: 10).isEmpty)  // the window is open
        let due = try a.dueSummaries(windowEndedBefore: Fixture.t0.addingTimeInterval(2), limit: 10)
        #expect(due.map(\.finding.id) == ["f-1"] && due.map(\.alert.id) == ["act-f-1-1"])
        var summary = Fixture.action(.alert, finding: "f-1", sequence: 2, key: "alert-summary|f-1")
        summary.id = "act-f-1-1-summary"
        #expect(try a.addSummaries([summary], for: ["act-f-1-1"], now: Fixture.t0) == 1)
        #expect(try a.dueSummaries(windowEndedBefore: Fixture.t0.addingTimeInterval(2), limit: 10).isEmpty)
        #expect(try a.action(id: "act-f-1-1-summary")?.state == .pending)
    }

    /// A task that dies mid-commit: it claimed the delivery and inserted the finding, then died before planning its
    /// actions. While its lease runs, another task answers 503; after it, Firehose's next try (on another task)
    /// counts nothing twice and plans the actions the dead task did not.
    @Test func aCommitCutShortIsCompletedByTheNextTryOnAnotherTask() throws {
        let stores = try Stores(.dynamodb)
        let dynamo = try #require(stores.dynamo)
        let dead = DynamoDBDeliveryLedger(dynamo: dynamo, table: "firebreak-state", owner: "task-a", retention: 86400)
        #expect(try dead.claim("req-1", now: Fixture.t0, lease: 120) == .claimed)
        let findings = DynamoDBFindingTable(dynamo: dynamo, table: "firebreak-state")
        #expect(try findings.insert(Fixture.finding("f-1"), requestID: "req-1", now: Fixture.t0, maxSamples: 5))

        let b = try stores.task("task-b")
        #expect(throws: StoreError.deliveryInProgress(requestID: "req-1", until: Fixture.t0.addingTimeInterval(120))) {
            try commit(b, "req-1", findings: [Fixture.finding("f-1")], actions: Fixture.plan(finding: "f-1"),
                       at: Fixture.t0.addingTimeInterval(60))
        }
        let later = Fixture.t0.addingTimeInterval(121)
        guard case .committed(let summary) = try commit(b, "req-1", findings: [Fixture.finding("f-1")],
                                                        actions: Fixture.plan(finding: "f-1"), at: later) else {
            Issue.record("not committed"); return
        }
        #expect(summary.insertedFindingIDs == ["f-1"] && summary.insertedActions.count == 3)
        #expect(try b.finding(id: "f-1")?.0.count == 1)
        // And once more, as if task b had died before answering: nothing changes.
        let c = try stores.task("task-c")
        #expect(try commit(c, "req-1", findings: [Fixture.finding("f-1")], actions: Fixture.plan(finding: "f-1"), at: later) == .duplicate)
        #expect(try c.pendingCount() == 3)
        // The dead task's lease is gone: it cannot mark the delivery done any more.
        #expect(throws: StoreError.leaseLost(requestID: "req-1")) { try dead.markDone("req-1", now: later) }
    }

    /// Actions planned twice for one plan (an earlier try inserted some of them) are stored once.
    @Test func aRepeatedPlanIsStoredOnce() throws {
        let stores = try Stores(.dynamodb)
        let a = try #require(try stores.task() as? DynamoDBStateStore)
        _ = try commitPlan(a, "req-1", finding: "f-1")
        let plan = Fixture.plan(finding: "f-1")
        // Same origin and finding: the stored action comes back; another origin: a duplicate.
        #expect(try a.insertAction(plan[0], origin: "req-1", windowEndMillis: nil, now: Fixture.t0)?.id == "act-f-1-1")
        #expect(try a.insertAction(plan[0], origin: "req-2", windowEndMillis: nil, now: Fixture.t0) == nil)
        #expect(try a.pendingCount() == 3)
        #expect(try a.finding(id: "f-1")?.1.count == 3)
    }

    /// The blast radius fails closed: when the table cannot be reached the reservation is an error (the executor
    /// then gives the action back and does not run it), never a place granted.
    @Test func aBlastRadiusReservationFailsClosed() throws {
        let stores = try Stores(.dynamodb)
        let missing = DynamoDBStateStore(dynamo: try #require(stores.dynamo), table: "no-such-table", owner: "task-a")
        #expect(throws: StoreError.self) {
            _ = try missing.reserveDestructive(actionID: "terminate-1", limit: 5, window: 3600, now: Fixture.t0)
        }
    }
}
