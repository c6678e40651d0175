import Foundation
import Testing
@testable import FirebreakResponse

/// `firebreak_store_errors_total` counts the store operations that failed where they failed: a delivery's commit or
/// request-id read (the coordinator), a claim or outbox update (the executor), a prune pass (the pruner).
@Suite struct StoreErrorCountTests {
    @Test func failedStoreOperationsAreCountedAndSuccessfulOnesAreNot() throws {
        let store = try ResponseStore(path: ":memory:")
        // An alert without a topic: the executor settles it without calling AWS.
        _ = try store.commit(delivery: Fixture.delivery("req-1"), findings: [Fixture.finding("f-1")],
                             actions: [Fixture.action(.alert, finding: "f-1", sequence: 1)], now: Fixture.t0)
        let playbooks = PlaybookSet(playbooks: [])
        let executor = ActionExecutor(store: store, runner: AccountRunnersTests.runner(), playbooks: playbooks, mode: .observe)
        let pruner = StorePruner(store: store)
        let coordinator = ResponseCoordinator(store: store, planner: ResponsePlanner(playbooks: playbooks, mode: .observe),
                                              executor: executor, pruner: pruner)
        #expect(try executor.runOnce() == 1)
        try pruner.pruneNow(now: Fixture.t0)
        #expect(try coordinator.isKnown("req-1"))
        #expect(try coordinator.commit(Fixture.delivery("req-2"), findings: []) != nil)
        #expect(coordinator.storeErrors == 0)

        store.close()
        #expect(throws: StoreError.self) { try executor.runOnce() }
        #expect(executor.storeErrors == 1)
        #expect(throws: StoreError.self) { try pruner.pruneNow(now: Fixture.t0) }
        #expect(pruner.storeErrors == 1)
        #expect(throws: BatchRetryLater.self) { try coordinator.commit(Fixture.delivery("req-3"), findings: []) }
        #expect(throws: BatchRetryLater.self) { try coordinator.isKnown("req-3") }
        coordinator.countStoreError()
        #expect(coordinator.storeErrors == 5, "the coordinator's three, the executor's and the pruner's")
    }
}
