import Synchronization

/// Cheap counters shared by a server and its connections.
final class HTTPServerCounters: Sendable {
    let activeConnections = Atomic<Int>(0)
    let inFlightRequests = Atomic<Int>(0)
    let tlsHandshakeFailures = Atomic<Int>(0)
    /// Bytes reserved for request bodies being read or handled, all connections.
    let bufferedBodyBytes = Atomic<Int>(0)
    /// Requests answered 503 because their body would pass `maxBufferedBodyBytes`.
    let bodyBudgetRefusals = Atomic<Int>(0)
    /// Idle connections closed to admit new ones at a connection cap.
    let idleConnectionsClosed = Atomic<Int>(0)
    /// Connections refused at a cap with no idle connection to close.
    let connectionsRefused = Atomic<Int>(0)

    /// Reserves `bytes` of the body budget `limit`; false (nothing reserved) when that would pass it.
    func reserveBody(_ bytes: Int, limit: Int) -> Bool {
        var current = bufferedBodyBytes.load(ordering: .relaxed)
        while true {
            let (next, overflow) = current.addingReportingOverflow(bytes)
            guard !overflow, next <= limit else { return false }
            let (exchanged, original) = bufferedBodyBytes.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    func releaseBody(_ bytes: Int) {
        if bytes > 0 { bufferedBodyBytes.subtract(bytes, ordering: .relaxed) }
    }
}
