import Foundation
import Synchronization
import Testing
@testable import FirebreakResponse

@Suite struct ResponseStoreOutboxTests {
    @Test func laterStepWaitsUntilEarlierIsDone() throws {
        let store = try ResponseStore(path: ":memory:")
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
        let now = Fixture.t0

        let first = try store.claim(limit: 10, now: now)
        #expect(first.map(\.step.kind) == [.snapshot])
        #expect(first[0].state == .running && first[0].attempts == 1)
        #expect(try store.claim(limit: 10, now: now).isEmpty)  // terminate waits for the snapshot

        try store.finish(actionID: first[0].id, state: .done, awsRequestIDs: ["aws-1"], now: now)
        let second = try store.claim(limit: 10, now: now)
        #expect(second.map(\.step.kind) == [.terminate])
        try store.finish(actionID: second[0].id, state: .done, now: now)
        #expect(try store.claim(limit: 10, now: now).map(\.step.kind) == [.alert])
        #expect(try store.action(id: first[0].id)?.awsRequestIDs == ["aws-1"])
    }

    @Test func failedSnapshotSkipsTerminateButNotAlert() throws {
        let store = try ResponseStore(path: ":memory:")
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
        let snapshot = try #require(try store.claim(limit: 10, now: Fixture.t0).first)
        try store.finish(actionID: snapshot.id, state: .failed, error: "UnauthorizedOperation", now: Fixture.t0)

        let terminate = try #require(try store.action(id: "act-f-1-2"))
        #expect(terminate.state == .skipped)
        #expect(terminate.reason == ResponseStore.earlierStepFailed)
        #expect(try store.claim(limit: 10, now: Fixture.t0).map(\.step.kind) == [.alert])
        #expect(try store.action(id: snapshot.id)?.lastError == "UnauthorizedOperation")
    }

    @Test func heldStepSkipsLaterAccountChanges() throws {
        let store = try ResponseStore(path: ":memory:")
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
        let snapshot = try #require(try store.claim(limit: 10, now: Fixture.t0).first)
        try store.finish(actionID: snapshot.id, state: .held, reason: "blast-radius limit", now: Fixture.t0)
        #expect(try store.action(id: snapshot.id)?.reason == "blast-radius limit")
        #expect(try store.action(id: "act-f-1-2")?.reason == ResponseStore.earlierStepHeld)
    }

    @Test func plannedSkipDoesNotBlockLaterSteps() throws {
        let store = try ResponseStore(path: ":memory:")
        var plan = Fixture.plan(finding: "f-1")
        plan[0].state = .skipped
        plan[0].reason = "observe mode"
        _ = try store.commit(delivery: Fixture.delivery("req"), findings: [Fixture.finding("f-1")], actions: plan,
                             now: Fixture.t0)
        #expect(try store.claim(limit: 10, now: Fixture.t0).map(\.step.kind) == [.terminate])
    }

    @Test func notBeforeDelaysRetry() throws {
        let store = try ResponseStore(path: ":memory:")
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
        let snapshot = try #require(try store.claim(limit: 1, now: Fixture.t0).first)
        let retryAt = Fixture.t0.addingTimeInterval(30)
        try store.retryLater(actionID: snapshot.id, error: "RequestLimitExceeded", notBefore: retryAt,
                             awsRequestIDs: ["aws-1"], now: Fixture.t0)
        #expect(try store.claim(limit: 10, now: Fixture.t0.addingTimeInterval(29)).isEmpty)
        let again = try store.claim(limit: 10, now: retryAt)
        #expect(again.map(\.id) == [snapshot.id])
        #expect(again[0].attempts == 2)
        #expect(again[0].lastError == "RequestLimitExceeded")
        #expect(again[0].awsRequestIDs == ["aws-1"])
        #expect(again[0].notBefore == retryAt)
    }

    @Test func transitionsAreChecked() throws {
        let store = try ResponseStore(path: ":memory:")
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
        #expect(throws: StoreError.actionNotFound(id: "nope")) {
            try store.finish(actionID: "nope", state: .done, now: Fixture.t0)
        }
        #expect(throws: StoreError.invalidTransition(id: "act-f-1-1", from: .pending, to: .pending)) {
            try store.retryLater(actionID: "act-f-1-1", error: "x", notBefore: Fixture.t0)
        }
        #expect(throws: StoreError.invalidTransition(id: "act-f-1-1", from: .pending, to: .running)) {
            try store.finish(actionID: "act-f-1-1", state: .running, now: Fixture.t0)
        }
        try store.finish(actionID: "act-f-1-1", state: .done, now: Fixture.t0)
        try store.finish(actionID: "act-f-1-1", state: .done, now: Fixture.t0)  // repeated: no-op
        #expect(throws: StoreError.invalidTransition(id: "act-f-1-1", from: .done, to: .failed)) {
            try store.finish(actionID: "act-f-1-1", state: .failed, now: Fixture.t0)
        }
    }

    @Test func resumeInterruptedAfterCrash() throws {
        let folder = TemporaryFolder()
        let path = folder.path("nested/outbox.db")
        do {
            let store = try ResponseStore(path: path)
            try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
            try Fixture.commitPlan(store, request: "req-2", finding: "f-2", instance: "i-0def")
            #expect(try store.claim(limit: 10, now: Fixture.t0).count == 2)
            store.close()  // the process dies with two actions running
            #expect(throws: StoreError.closed(path: path)) { try store.pendingCount() }
        }
        let reopened = try ResponseStore(path: path)
        #expect(try reopened.claim(limit: 10, now: Fixture.t0).isEmpty)  // still running, nothing else claimable
        #expect(try reopened.resumeInterrupted(now: Fixture.t0) == 2)
        let resumed = try reopened.claim(limit: 10, now: Fixture.t0)
        #expect(resumed.count == 2)
        #expect(resumed.allSatisfy { $0.attempts == 2 && $0.step.kind == .snapshot })
        #expect(try reopened.resumeInterrupted(now: Fixture.t0) == 2)
        #expect(try reopened.resumeInterrupted(now: Fixture.t0) == 0)
    }

    @Test func countActionsForBlastRadius() throws {
        let store = try ResponseStore(path: ":memory:")
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
        try Fixture.commitPlan(store, request: "req-2", finding: "f-2", instance: "i-0def")
        for action in try store.claim(limit: 10, now: Fixture.t0) {
            try store.finish(actionID: action.id, state: .done, now: Fixture.t0)
        }
        let later = Fixture.t0.addingTimeInterval(60)
        let terminates = try store.claim(limit: 10, now: later)
        #expect(terminates.count == 2)
        try store.finish(actionID: terminates[0].id, state: .done, now: later)
        let destructive = Set(StepKind.allCases.filter(\.isDestructive))
        #expect(try store.countActions(kinds: destructive, states: [.running, .done], since: Fixture.t0) == 2)
        #expect(try store.countActions(kinds: destructive, states: [.done], since: Fixture.t0) == 1)
        #expect(try store.countActions(kinds: [.snapshot], states: [.done], since: Fixture.t0) == 2)
        #expect(try store.countActions(kinds: [.snapshot], states: [.done], since: later) == 0)
        #expect(try store.countActions(kinds: [], states: [.done], since: Fixture.t0) == 0)
    }

    @Test(arguments: [false, true])
    func concurrentClaimsNeverHandOutTheSameAction(separateConnections: Bool) throws {
        let folder = TemporaryFolder()
        let path = folder.path("store.db")
        let first = try ResponseStore(path: path)
        let second = separateConnections ? try ResponseStore(path: path) : first
        // 200 independent one-step plans.
        for index in 0..<200 {
            let finding = "f-\(index)"
            _ = try first.commit(delivery: Fixture.delivery("req-\(index)"), findings: [Fixture.finding(finding)],
                                 actions: [Fixture.action(.tag, finding: finding, sequence: 1, instance: "i-\(index)")],
                                 now: Fixture.t0)
        }
        let (ids, failures) = Fixture.claimConcurrently([first, second])
        #expect(failures.isEmpty)
        #expect(ids.count == 200)
        #expect(Set(ids).count == 200)
        #expect(try first.countActions(kinds: [.tag], states: [.running], since: Fixture.t0) == 200)
    }
}
