import Foundation
import Testing
@testable import FirebreakResponse

/// Claimed actions carry a lease: an executor that dies or wedges does not keep them `running` until a restart.
@Suite struct OutboxLeaseTests {
    @Test func anExpiredLeaseReturnsTheActionToTheQueue() throws {
        let store = try ResponseStore(path: ":memory:")
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
        let t0 = Fixture.t0
        let first = try #require(try store.claim(limit: 10, now: t0, lease: 30).first)
        #expect(first.step.kind == .snapshot && first.state == .running)
        // Within the lease nobody else gets it, nor the steps after it.
        #expect(try store.claim(limit: 10, now: t0.addingTimeInterval(29), lease: 30).isEmpty)
        // Past it, the next claim takes it over, counted as another attempt, with the reason recorded.
        let again = try store.claim(limit: 10, now: t0.addingTimeInterval(31), lease: 30)
        #expect(again.map(\.id) == [first.id])
        #expect(again.first?.attempts == 2)
        #expect(again.first?.lastError == "lease expired: taken over")
        // Finishing it lets the plan go on.
        try store.finish(actionID: first.id, state: .done, now: t0.addingTimeInterval(32))
        #expect(try store.claim(limit: 10, now: t0.addingTimeInterval(33), lease: 30).map(\.step.kind) == [.terminate])
    }

    @Test func releasedActionsAreClaimedAgain() throws {
        let store = try ResponseStore(path: ":memory:")
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
        try Fixture.commitPlan(store, request: "req-2", finding: "f-2", instance: "i-0def")
        let claimed = try store.claim(limit: 10, now: Fixture.t0, lease: 300)
        #expect(claimed.count == 2)
        try store.release(actionIDs: claimed.map(\.id), now: Fixture.t0)
        for record in claimed { #expect(try store.action(id: record.id)?.state == .pending) }
        #expect(Set(try store.claim(limit: 10, now: Fixture.t0, lease: 300).map(\.id)) == Set(claimed.map(\.id)))
        // A finished action is not released back.
        try store.finish(actionID: claimed[0].id, state: .done, now: Fixture.t0)
        try store.release(actionIDs: [claimed[0].id], now: Fixture.t0)
        #expect(try store.action(id: claimed[0].id)?.state == .done)
    }
}
