import Synchronization

/// Cheap counters shared by a server and its connections.
final class HTTPServerCounters: Sendable {
    let activeConnections = Atomic<Int>(0)
    let inFlightRequests = Atomic<Int>(0)
    let tlsHandshakeFailures = Atomic<Int>(0)
}
