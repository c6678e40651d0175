/// Limits on one HTTP exchange.
public struct AWSTimeouts: Sendable, Equatable {
    /// Time to establish the connection (TCP and TLS).
    public var connect: Duration
    /// Time for the whole exchange, connection included.
    public var total: Duration
    /// A longer response body fails the exchange (`AWSError.Kind.transport`).
    public var maxResponseBytes: Int

    public init(connect: Duration = .seconds(3), total: Duration = .seconds(15), maxResponseBytes: Int = 16 << 20) {
        self.connect = connect
        self.total = total
        self.maxResponseBytes = maxResponseBytes
    }
}
