import Synchronization

/// A value behind a lock, for callbacks on the proxy's threads.
final class Mutexed<Value: Sendable>: Sendable {
    private let lock: Mutex<Value>
    init(_ value: Value) { lock = Mutex(value) }
    var value: Value { lock.withLock { $0 } }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&$0) } }
}
