import Dispatch
import Foundation
import Synchronization

/// A fixed number of workers with a bounded queue in front of them.
///
/// `submit` never blocks: when every worker is busy and the queue is full it returns false, and
/// the caller answers 503 so that Firehose retries later (backpressure, not collapse).
public final class WorkerPool: Sendable {
    public typealias Job = @Sendable () -> Void

    private struct State {
        var running = 0
        var pending: [Job] = []
        var head = 0                      // index of the next pending job (amortised O(1) dequeue)
        var pendingCount: Int { pending.count - head }
    }

    public let workers: Int
    public let queueLimit: Int
    private let state = Mutex(State())
    private let queue: DispatchQueue

    public init(workers: Int, queueLimit: Int, label: String = "firebreak.workers") {
        self.workers = max(1, workers)
        self.queueLimit = max(0, queueLimit)
        self.queue = DispatchQueue(label: label, attributes: .concurrent)
    }

    /// Jobs waiting for a worker.
    public var queueDepth: Int { state.withLock { $0.pendingCount } }
    /// Workers running a job.
    public var busyWorkers: Int { state.withLock { $0.running } }

    /// Runs `job` on a worker, now or when one is free; false when the queue is full.
    public func submit(_ job: @escaping Job) -> Bool {
        let startNow: Bool? = state.withLock { s in
            if s.running < workers {
                s.running += 1
                return true
            }
            guard s.pendingCount < queueLimit else { return nil }
            s.pending.append(job)
            return false
        }
        guard let startNow else { return false }
        if startNow { queue.async { self.run(job) } }
        return true
    }

    private func run(_ first: @escaping Job) {
        var job: Job? = first
        while let current = job {
            current()
            job = state.withLock { s in
                guard s.pendingCount > 0 else {
                    s.running -= 1
                    return nil
                }
                let next = s.pending[s.head]
                s.pending[s.head] = {}          // drop the reference now, not at compaction
                s.head += 1
                if s.head > 64 && s.head * 2 > s.pending.count {
                    s.pending.removeFirst(s.head)
                    s.head = 0
                }
                return next
            }
        }
    }

    /// Waits (blocking the caller) until no job runs or waits, or `timeout` passes; true when idle.
    public func waitUntilIdle(timeout: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if state.withLock({ $0.running == 0 && $0.pendingCount == 0 }) { return true }
            usleep(10_000)
        }
        return state.withLock { $0.running == 0 && $0.pendingCount == 0 }
    }
}
