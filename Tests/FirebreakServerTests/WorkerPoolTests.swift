import Foundation
import Synchronization
import Testing
@testable import FirebreakServer

@Suite struct WorkerPoolTests {
    @Test func rejectsWhenWorkersBusyAndQueueFull() {
        let pool = WorkerPool(workers: 2, queueLimit: 3)
        let gate = DispatchSemaphore(value: 0)
        let ran = Mutex(0)
        var accepted = 0
        for _ in 0..<10 {
            if pool.submit({ gate.wait(); ran.withLock { $0 += 1 } }) { accepted += 1 }
        }
        #expect(accepted == 5)               // 2 running + 3 queued
        #expect(pool.queueDepth == 3)
        for _ in 0..<5 { gate.signal() }
        #expect(pool.waitUntilIdle(timeout: .seconds(5)))
        #expect(ran.withLock { $0 } == 5)
        #expect(pool.queueDepth == 0 && pool.busyWorkers == 0)
        // Capacity is back once the queue drained.
        #expect(pool.submit({}))
        #expect(pool.waitUntilIdle(timeout: .seconds(5)))
    }

    @Test func zeroQueueRunsOnlyOnFreeWorkers() {
        let pool = WorkerPool(workers: 1, queueLimit: 0)
        let gate = DispatchSemaphore(value: 0)
        #expect(pool.submit({ gate.wait() }))
        #expect(!pool.submit({}))
        gate.signal()
        #expect(pool.waitUntilIdle(timeout: .seconds(5)))
    }

    @Test func runsManyJobsConcurrently() {
        let pool = WorkerPool(workers: 4, queueLimit: 1000)
        let count = Mutex(0)
        for _ in 0..<500 { #expect(pool.submit({ count.withLock { $0 += 1 } })) }
        #expect(pool.waitUntilIdle(timeout: .seconds(10)))
        #expect(count.withLock { $0 } == 500)
    }
}
