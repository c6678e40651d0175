import Foundation
import Synchronization
import Testing
@testable import FirebreakServer

final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var current: Int { value.withLock { $0 } }
}

@Suite struct WorkerPoolTests {
    @Test func rejectsWhenWorkersBusyAndQueueFull() {
        let pool = WorkerPool(workers: 2, queueLimit: 3)
        let gate = DispatchSemaphore(value: 0)
        let ran = Counter()
        var accepted = 0
        for _ in 0..<10 {
            if pool.submit({ gate.wait(); ran.increment() }) { accepted += 1 }
        }
        #expect(accepted == 5)               // 2 running + 3 queued
        #expect(pool.queueDepth == 3)
        for _ in 0..<5 { gate.signal() }
        #expect(pool.waitUntilIdle(timeout: .seconds(5)))
        #expect(ran.current == 5)
        #expect(pool.queueDepth == 0 && pool.busyWorkers == 0)
        // Capacity is back once the queue drained.
        let again = pool.submit({})
        #expect(again)
        #expect(pool.waitUntilIdle(timeout: .seconds(5)))
    }

    @Test func zeroQueueRunsOnlyOnFreeWorkers() {
        let pool = WorkerPool(workers: 1, queueLimit: 0)
        let gate = DispatchSemaphore(value: 0)
        let first = pool.submit({ gate.wait() })
        let second = pool.submit({})
        #expect(first)
        #expect(!second)
        gate.signal()
        #expect(pool.waitUntilIdle(timeout: .seconds(5)))
    }

    @Test func runsManyJobsConcurrently() {
        let pool = WorkerPool(workers: 4, queueLimit: 1000)
        let count = Counter()
        var accepted = 0
        for _ in 0..<500 where pool.submit({ count.increment() }) { accepted += 1 }
        #expect(accepted == 500)
        #expect(pool.waitUntilIdle(timeout: .seconds(10)))
        #expect(count.current == 500)
    }
}
