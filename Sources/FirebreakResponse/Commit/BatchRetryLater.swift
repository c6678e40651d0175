/// The delivery cannot be made durable now (the store is locked, full, at `store.max_bytes` or unwritable): Firehose gets
/// 503 and retries, and nothing is acknowledged that is not committed.
public struct BatchRetryLater: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }

    public init(reason: String) {
        self.reason = reason
    }
}
