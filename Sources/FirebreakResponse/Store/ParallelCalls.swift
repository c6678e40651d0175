import Foundation
import Synchronization

/// Runs blocking calls (DynamoDB requests) for `count` items on up to `width` threads of their own, and waits for
/// them: a delivery's independent items are written at once instead of one round trip after another. The first
/// error is thrown once every thread has stopped; items not yet started when it happened are not started.
enum ParallelCalls {
    static func run<T: Sendable>(_ count: Int, width: Int = 16,
                                 _ body: @Sendable @escaping (Int) throws(StoreError) -> T) throws(StoreError) -> [T] {
        guard count > 1, width > 1 else {
            var results: [T] = []
            results.reserveCapacity(count)
            for index in 0..<count { results.append(try body(index)) }
            return results
        }
        let state = Mutex<(next: Int, results: [T?], error: StoreError?)>((0, Array(repeating: nil, count: count), nil))
        let group = DispatchGroup()
        for _ in 0..<min(width, count) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                while true {
                    let index: Int? = state.withLock { s in
                        guard s.error == nil, s.next < count else { return nil }
                        defer { s.next += 1 }
                        return s.next
                    }
                    guard let index else { return }
                    do throws(StoreError) {
                        let result = try body(index)
                        state.withLock { $0.results[index] = result }
                    } catch {
                        state.withLock { s in if s.error == nil { s.error = error } }
                        return
                    }
                }
            }
            thread.name = "firebreak.store-calls"
            thread.start()
        }
        group.wait()
        return try state.withLock { s throws(StoreError) -> [T] in
            if let error = s.error { throw error }
            return s.results.map { $0! }
        }
    }
}
