import Foundation
import Synchronization
import Testing
@testable import FirebreakResponse

/// The store stays small: findings and delivery ids past their retention are pruned in batches, the oldest closed
/// findings go first near `maxBytes`, and at `maxBytes` with nothing prunable a commit is refused until room returns.
/// Every time is injected (`now:`); only the test of the pruner's own thread waits (for its passes, up to 10 s).
@Suite struct StoreRetentionTests {
    static let t0 = Fixture.t0
    static let day: TimeInterval = 86400

    /// Finishes every action of `finding` (as planned by `Fixture.plan`) with `states` in sequence order.
    static func finish(_ store: ResponseStore, _ finding: String, _ states: [ActionState] = [.done, .done, .done],
                       at date: Date) throws {
        for (index, state) in states.enumerated() {
            try store.finish(actionID: "act-\(finding)-\(index + 1)", state: state,
                             reason: state == .held || state == .skipped ? "test" : nil, now: date)
        }
    }

    static func actions(of finding: String, in store: ResponseStore) throws -> [ActionState] {
        try store.finding(id: finding)?.1.map(\.state) ?? []
    }

    /// A finding with a large JSON body, so that a few hundred of them fill pages.
    static func bulky(_ id: String) -> StoredFinding {
        var finding = Fixture.finding(id, instance: "i-\(id)")
        finding.json = #"{"id":"\#(id)","pad":"\#(String(repeating: "x", count: 3000))"}"#
        return finding
    }

    /// Commits `count` bulky findings (with a three-step plan each), one a minute from `start`; those `closed` says
    /// have their actions finished.
    static func fill(_ store: ResponseStore, count: Int, from start: Date, closed: (Int) -> Bool = { _ in false }) throws {
        for i in 0..<count {
            let id = "f-\(i)", at = start.addingTimeInterval(Double(i) * 60)
            _ = try store.commit(delivery: Fixture.delivery("req-\(i)", at: at), findings: [bulky(id)],
                                 actions: Fixture.plan(finding: id, instance: "i-\(id)"), now: at)
            if closed(i) { try finish(store, id, at: at) }
        }
    }

    /// Older findings mostly closed, with an open one every tenth (its actions still pending), newer ones open. The
    /// store's size counts pages (16 KiB, several findings each): space comes back when the pages of pruned rows empty,
    /// so the closed findings are mostly together, as they are when actions finish in the order findings came.
    static func mostlyClosedOlderHalf(_ i: Int) -> Bool { i < 120 && i % 10 != 5 }

    @Test func retentionRemovesOldFindingsAndDeliveriesButNeverUnfinishedActions() throws {
        let store = try ResponseStore(path: ":memory:")
        // First, so that the claim takes its second step and nothing of the others.
        try Fixture.commitPlan(store, request: "req-running", finding: "f-running", instance: "i-4", at: Self.t0)
        try Self.finish(store, "f-running", [.done], at: Self.t0.addingTimeInterval(60))
        let claimed = try store.claim(limit: 10, now: Self.t0.addingTimeInterval(120))
        #expect(claimed.map(\.action.id) == ["act-f-running-2"])
        try Fixture.commitPlan(store, request: "req-done", finding: "f-done", instance: "i-1", at: Self.t0)
        try Self.finish(store, "f-done", [.done, .failed, .skipped], at: Self.t0.addingTimeInterval(60))
        try Fixture.commitPlan(store, request: "req-pending", finding: "f-pending", instance: "i-2", at: Self.t0)
        try Fixture.commitPlan(store, request: "req-held", finding: "f-held", instance: "i-3", at: Self.t0)
        try Self.finish(store, "f-held", [.done, .held, .done], at: Self.t0.addingTimeInterval(60))
        let young = Self.t0.addingTimeInterval(29 * Self.day)
        try Fixture.commitPlan(store, request: "req-young", finding: "f-young", instance: "i-5", at: young)
        try Self.finish(store, "f-young", at: young)
        _ = try store.commit(delivery: Fixture.delivery("req-empty", at: Self.t0), findings: [], actions: [], now: Self.t0)
        let lastHour = Self.t0.addingTimeInterval(31 * Self.day - 3600)
        _ = try store.commit(delivery: Fixture.delivery("req-recent", at: lastHour), findings: [], actions: [], now: lastHour)

        let pruner = StorePruner(store: store, retention: RetentionPolicy(findings: 30 * Self.day, deliveries: Self.day))
        let removed = try pruner.pruneNow(now: Self.t0.addingTimeInterval(31 * Self.day))

        #expect(removed[.age] == PruneCount(findings: 1, actions: 3, deliveries: 2))
        #expect(removed[.size, default: PruneCount()].rows == 0)
        #expect(pruner.pruned(.age) == PruneCount(findings: 1, actions: 3, deliveries: 2))
        // The closed old finding went with all its actions, and its delivery once nothing named it.
        #expect(try store.finding(id: "f-done") == nil)
        for sequence in 1...3 { #expect(try store.action(id: "act-f-done-\(sequence)") == nil) }
        #expect(try store.hasDelivery("req-done") == false)
        #expect(try store.hasDelivery("req-empty") == false)
        // Unfinished actions (pending, held, running) keep their finding, every action of it, and its first delivery.
        #expect(try Self.actions(of: "f-pending", in: store) == [.pending, .pending, .pending])
        #expect(try Self.actions(of: "f-held", in: store) == [.done, .held, .done])
        #expect(try Self.actions(of: "f-running", in: store).contains(.running))
        for request in ["req-pending", "req-held", "req-running", "req-young", "req-recent"] {
            #expect(try store.hasDelivery(request), "\(request)")
        }
        // Younger than the retention: kept.
        #expect(try Self.actions(of: "f-young", in: store) == [.done, .done, .done])
        // A second pass finds nothing more.
        #expect(try pruner.pruneNow(now: Self.t0.addingTimeInterval(31 * Self.day))[.age] == PruneCount())
    }

    @Test func actionsThatChangedRecentlyKeepTheirFinding() throws {
        // The idempotency window and the blast radius count recent actions: their findings stay while they do.
        let store = try ResponseStore(path: ":memory:", idempotencyWindow: 3600)
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1", at: Self.t0)
        let now = Self.t0.addingTimeInterval(40 * Self.day)
        try Self.finish(store, "f-1", at: now.addingTimeInterval(-600))
        let pruner = StorePruner(store: store, retention: RetentionPolicy(findings: 30 * Self.day, deliveries: Self.day),
                                 settle: 1800)
        #expect(pruner.settle == 3600, "never shorter than the store's idempotency window")
        try pruner.pruneNow(now: now)
        #expect(try store.finding(id: "f-1") != nil)
        try pruner.pruneNow(now: now.addingTimeInterval(3600))
        #expect(try store.finding(id: "f-1") == nil)
        #expect(try store.hasDelivery("req-1") == false)
    }

    @Test func pruningGoesInBatchesOfAtMostTheLimit() throws {
        let store = try ResponseStore(path: ":memory:")
        for i in 0..<40 {
            try Fixture.commitPlan(store, request: "req-\(i)", finding: "f-\(i)", instance: "i-\(i)", at: Self.t0)
            try Self.finish(store, "f-\(i)", at: Self.t0)
        }
        for i in 0..<25 {
            _ = try store.commit(delivery: Fixture.delivery("empty-\(i)", at: Self.t0), findings: [], actions: [], now: Self.t0)
        }
        let later = Self.t0.addingTimeInterval(60 * Self.day)
        // A finding and its three actions are four rows: two findings fit in ten rows, a third would not.
        var batches: [PruneCount] = []
        while true {
            let batch = try store.pruneFindings(createdBefore: later, settledBefore: later, limit: 10)
            if batch.rows == 0 { break }
            batches.append(batch)
        }
        #expect(batches.count == 20)
        #expect(batches.allSatisfy { $0 == PruneCount(findings: 2, actions: 6) })
        // Request ids: ten, ten, five.
        var deliveries: [Int] = []
        while true {
            let batch = try store.pruneDeliveries(receivedBefore: later, limit: 10)
            if batch.rows == 0 { break }
            deliveries.append(batch.deliveries)
        }
        #expect(deliveries == [10, 10, 10, 10, 10, 10, 5], "25 empty deliveries and the 40 the findings named")
        // A finding with more actions than the limit goes alone, with all of them.
        try Fixture.commitPlan(store, request: "req-big", finding: "f-big", at: Self.t0)
        try Self.finish(store, "f-big", at: Self.t0)
        #expect(try store.pruneFindings(createdBefore: later, settledBefore: later, limit: 2) == PruneCount(findings: 1, actions: 3))
    }

    /// The pruner's own thread: a pass when it starts, another when nudged (as a commit refused for size does), none
    /// after it stopped.
    @Test func thePrunerThreadPassesAtStartWhenNudgedAndNotAfterStop() throws {
        let store = try ResponseStore(path: ":memory:")
        let old = Date().addingTimeInterval(-40 * Self.day)
        _ = try Fixture.commitPlan(store, request: "req-a", finding: "f-a", instance: "i-a", at: old)
        try Self.finish(store, "f-a", at: old)
        let pruner = StorePruner(store: store, retention: RetentionPolicy(findings: 30 * Self.day, deliveries: Self.day),
                                 interval: .seconds(3600))
        let passes = Mutex<[Result<[PruneReason: PruneCount], StoreError>]>([])
        func waitForPasses(_ count: Int) -> Bool {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if passes.withLock({ $0.count }) >= count { return true }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return false
        }
        pruner.start { result in passes.withLock { $0.append(result) } }
        #expect(waitForPasses(1), "a pass when it starts")
        #expect(try store.finding(id: "f-a") == nil)

        _ = try Fixture.commitPlan(store, request: "req-b", finding: "f-b", instance: "i-b", at: old)
        try Self.finish(store, "f-b", at: old)
        pruner.nudge()
        #expect(waitForPasses(2), "a pass when nudged, long before the hour")
        #expect(try store.finding(id: "f-b") == nil)
        #expect(pruner.pruned(.age).findings == 2)

        pruner.stop()
        let after = passes.withLock { $0.count }
        pruner.nudge()
        Thread.sleep(forTimeInterval: 0.3)
        #expect(passes.withLock { $0.count } == after, "no pass after stop")
        #expect(passes.withLock { $0 }.allSatisfy { if case .success = $0 { return true } else { return false } })
    }

    @Test func nearMaxBytesTheOldestClosedFindingsGoFirst() throws {
        let folder = TemporaryFolder()
        let path = folder.path("store.db")
        do {
            let store = try ResponseStore(path: path)
            try Self.fill(store, count: 200, from: Self.t0, closed: Self.mostlyClosedOlderHalf)
            store.close()
        }
        let used = try ResponseStore(path: path).size().usedBytes
        let store = try ResponseStore(path: path, maxBytes: used)
        let pruner = StorePruner(store: store, retention: RetentionPolicy(findings: 30 * Self.day, deliveries: Self.day, batchRows: 40))
        // Half a day on: every action has settled, no finding or request id is past its retention.
        let removed = try pruner.pruneNow(now: Self.t0.addingTimeInterval(Self.day / 2))

        let bySize = try #require(removed[.size])
        #expect(bySize.findings > 0)
        #expect(bySize.actions == 3 * bySize.findings)
        #expect(removed[.age, default: PruneCount()].findings == 0, "nothing is past its retention")
        #expect(pruner.pruned(.size) == bySize)
        #expect(Double(try store.size().usedBytes) <= Double(used) * StorePruner.sizeTarget)
        // Every open finding stays; of the closed ones, the oldest went.
        let kept = try (0..<200).filter { try store.finding(id: "f-\($0)") != nil }
        let open = (0..<200).filter { !Self.mostlyClosedOlderHalf($0) }
        #expect(open.allSatisfy(kept.contains))
        let keptClosed = kept.filter(Self.mostlyClosedOlderHalf)
        let prunedClosed = (0..<200).filter { Self.mostlyClosedOlderHalf($0) && !kept.contains($0) }
        #expect(!keptClosed.isEmpty, "pruned down to the target, not all that could go")
        #expect(prunedClosed.count == bySize.findings)
        #expect(prunedClosed.max()! < keptClosed.min()!)
        // Pruned by size, not by age: their request ids (younger than the retention) stay.
        #expect(try store.hasDelivery("req-0"))
        #expect(try store.commit(delivery: Fixture.delivery("req-new"), findings: [], actions: [], now: Self.t0) != .duplicate)
    }

    @Test func atMaxBytesWithNothingPrunableACommitIsRefusedUntilRoomReturns() throws {
        let folder = TemporaryFolder()
        let path = folder.path("store.db")
        do {
            let store = try ResponseStore(path: path)
            try Self.fill(store, count: 60, from: Self.t0)
            store.close()
        }
        let used = try ResponseStore(path: path).size().usedBytes
        let store = try ResponseStore(path: path, maxBytes: used)
        let newDelivery = Fixture.delivery("req-new", at: Self.t0.addingTimeInterval(Self.day))
        func commitNew() throws -> CommitOutcome {
            try store.commit(delivery: newDelivery, findings: [Self.bulky("f-new")], actions: [], now: Self.t0.addingTimeInterval(Self.day))
        }
        #expect {
            try commitNew()
        } throws: { error in
            guard let error = error as? StoreError, case .full(path, let inUse, used) = error else { return false }
            return inUse >= used && error.description.contains("store.max_bytes") && error.description.contains("503")
        }
        #expect(try store.hasDelivery("req-new") == false)
        // A redelivery of a committed delivery is still recognised (it was committed: 200 is honest), and being
        // answered without a write, it does not make the store look writable.
        #expect(try store.commit(delivery: Fixture.delivery("req-3"), findings: [], actions: [], now: Self.t0) == .duplicate)
        guard case .unwritable(let reason) = store.health(now: Date().addingTimeInterval(2)) else {
            Issue.record("health() says writable at max_bytes")
            return
        }
        #expect(reason.contains("store.max_bytes"))

        // Every finding has pending actions: nothing can be pruned, the commit is still refused.
        let pruner = StorePruner(store: store, retention: RetentionPolicy(findings: 30 * Self.day, deliveries: Self.day))
        #expect(try pruner.pruneNow(now: Self.t0.addingTimeInterval(2 * Self.day)).values.allSatisfy { $0.rows == 0 })
        #expect(throws: StoreError.self) { try commitNew() }

        // A raised limit (a restart with a larger store.max_bytes) takes the delivery at once.
        do {
            let raised = try ResponseStore(path: path, maxBytes: used * 2)
            #expect(try raised.commit(delivery: Fixture.delivery("req-raised"), findings: [], actions: [], now: Self.t0) != .duplicate)
            raised.close()
        }

        // The executor finishes the actions; once they have settled, the pruner makes room and commits resume.
        for i in 0..<60 { try Self.finish(store, "f-\(i)", at: Self.t0.addingTimeInterval(Self.day)) }
        let removed = try pruner.pruneNow(now: Self.t0.addingTimeInterval(2 * Self.day))
        #expect(removed[.size, default: PruneCount()].findings > 0)
        #expect(try commitNew() != .duplicate)
        #expect(try store.hasDelivery("req-new"))
        #expect(store.health(now: Date().addingTimeInterval(4)) == .writable)
    }

    @Test func migrationFiveAddsTheIndexesPruningUses() throws {
        let store = try ResponseStore(path: ":memory:")
        #expect(try store.schemaVersion() >= 5)
        let plan = try store.withConnection { db throws(StoreError) in
            try db.query("""
                EXPLAIN QUERY PLAN SELECT request_id FROM deliveries d WHERE received_at < 1
                  AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.first_request_id = d.request_id)
                """, operation: "explain") { row throws(StoreError) in row.text(3) }
        }
        #expect(plan.contains { $0.contains("deliveries_by_time") }, "\(plan)")
        #expect(plan.contains { $0.contains("findings_by_request") }, "\(plan)")
    }
}
