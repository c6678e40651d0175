import Dispatch
import Foundation
import Synchronization

/// Keeps the store small, on its own thread: findings (with their actions) past `retention.findings`, delivery request
/// ids past `retention.deliveries`, and, when the store has a `maxBytes`, the oldest closed findings while it is
/// above `sizeTarget` of it. Every removal is a transaction of at most `retention.batchRows` rows, and the lock is
/// given back between batches, so a delivery's commit waits for one batch at most.
///
/// Never pruned: a finding with an action that is `pending`, `running` or `held`, nor one whose actions were created
/// or changed within `settle` (the idempotency window and the blast radius count recent actions).
public final class StorePruner: Sendable {
    /// Above this share of `maxBytes` the pruner removes the oldest closed findings; commits are refused at all of it.
    public static let sizeTarget = 0.9

    public let store: ResponseStore
    public let retention: RetentionPolicy
    /// Actions created or changed more recently than this keep their finding.
    public let settle: TimeInterval
    /// Time between passes when nothing asks for one sooner.
    public let interval: Duration
    private let totals = Mutex<[PruneReason: PruneCount]>([:])
    private let failedPasses = Atomic<Int>(0)
    private let running = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)

    /// - Parameter settle: at least the store's idempotency window; pass the blast-radius window too when longer.
    public init(store: ResponseStore, retention: RetentionPolicy = RetentionPolicy(), settle: TimeInterval = 0,
                interval: Duration = .seconds(60)) {
        self.store = store
        self.retention = retention
        self.settle = max(settle, store.idempotencyWindow)
        self.interval = interval
    }

    /// Rows removed since start, by reason.
    public func pruned(_ reason: PruneReason) -> PruneCount { totals.withLock { $0[reason] ?? PruneCount() } }

    /// Passes cut short by a store error since start (`firebreak_store_errors_total`).
    public var storeErrors: Int { failedPasses.load(ordering: .relaxed) }

    /// One full pass at `now`: findings by age, then by size, then deliveries by age, each in batches until none is
    /// left (or the store is back under its size target). Returns what it removed by reason.
    @discardableResult
    public func pruneNow(now: Date, pause: Duration = .zero) throws(StoreError) -> [PruneReason: PruneCount] {
        do {
            return try prunePass(now: now, pause: pause)
        } catch {
            failedPasses.add(1, ordering: .relaxed)
            throw error
        }
    }

    private func prunePass(now: Date, pause: Duration) throws(StoreError) -> [PruneReason: PruneCount] {
        var removed: [PruneReason: PruneCount] = [:]
        let batch = max(1, retention.batchRows)
        let settledBefore = now.addingTimeInterval(-settle)
        func record(_ count: PruneCount, _ reason: PruneReason) {
            removed[reason, default: PruneCount()] += count
            totals.withLock { $0[reason, default: PruneCount()] += count }
            if count.rows > 0 && pause > .zero { Thread.sleep(forTimeInterval: Self.seconds(pause)) }
        }
        while true {
            let count = try store.pruneFindings(createdBefore: now.addingTimeInterval(-retention.findings),
                                                settledBefore: settledBefore, limit: batch)
            record(count, .age)
            if count.findings == 0 { break }
        }
        if store.maxBytes > 0 {
            let target = Int64(Double(store.maxBytes) * Self.sizeTarget)
            while try store.size().usedBytes > target {
                let count = try store.pruneFindings(createdBefore: settledBefore, settledBefore: settledBefore, limit: batch)
                record(count, .size)
                if count.findings == 0 { break }
            }
        }
        while true {
            let count = try store.pruneDeliveries(receivedBefore: now.addingTimeInterval(-retention.deliveries), limit: batch)
            record(count, .age)
            if count.deliveries == 0 { break }
        }
        return removed
    }

    /// Starts the thread: a pass now, then one every `interval` or sooner when `nudge()` asks. `report` hears of each
    /// pass (what it removed, or the store error that cut it short) on the pruner's thread.
    public func start(report: @escaping @Sendable (Result<[PruneReason: PruneCount], StoreError>) -> Void = { _ in }) {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            while running.load(ordering: .acquiring) {
                do throws(StoreError) {
                    // A short pause after each batch lets commits waiting for the lock go first.
                    report(.success(try pruneNow(now: Date(), pause: .milliseconds(2))))
                } catch {
                    report(.failure(error))
                }
                _ = wake.wait(timeout: .now() + Self.seconds(interval))
            }
            stopped.signal()
        }
        thread.name = "firebreak.pruner"
        thread.start()
    }

    /// Asks for a pass now (a commit was refused for size).
    public func nudge() { wake.signal() }

    /// Stops after the batch in hand; waits up to `timeout`.
    public func stop(timeout: Duration = .seconds(10)) {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        _ = stopped.wait(timeout: .now() + Self.seconds(timeout))
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
