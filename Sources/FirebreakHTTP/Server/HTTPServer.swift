import Dispatch
import Synchronization

/// An HTTP/1.1 server on non-blocking POSIX sockets driven by Dispatch sources.
///
/// Call `start()`, then `shutdown(drainTimeout:completion:)` before releasing it (its sources keep it alive until then).
public final class HTTPServer: Sendable {
    private enum Phase {
        case idle, starting, running, draining, stopped
    }

    private struct State {
        var phase = Phase.idle
        var listeners: [HTTPListener] = []
        var bound: [HTTPListenAddress] = []
        var connections: [ObjectIdentifier: HTTPConnection] = [:]
        /// Open connections per remote host.
        var perHost: [String: Int] = [:]
        var completions: [@Sendable (Bool) -> Void] = []
        var drainTimedOut = false
        /// False once `stopAdmitting()` ran: connections accepted from then on are closed at once.
        var admitting = true
    }

    private let configuration: Configuration
    private let handler: any HTTPHandler
    private let counters = HTTPServerCounters()
    private let state = Mutex(State())
    /// The TLS context new connections start with; replaced by `reloadTLS()`.
    private let tls = Mutex<TLSContext?>(nil)
    private let acceptQueue = DispatchQueue(label: "firebreak.http.accept")
    /// Target of the per-connection serial queues.
    private let connectionQueue = DispatchQueue(label: "firebreak.http.connections", attributes: .concurrent)

    public init(configuration: Configuration, handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
    }

    deinit {
        state.withLock { $0.listeners.forEach { $0.cancel() } }
    }

    /// Loads the TLS certificate and key (if configured), binds every listen address and starts accepting.
    /// Throws without listening anywhere if the certificate, the key or one address fails.
    public func start() throws(HTTPServerError) {
        try state.withLock { state throws(HTTPServerError) in
            switch state.phase {
            case .idle: state.phase = .starting
            case .starting, .running: throw .alreadyStarted
            case .draining, .stopped: throw .shutDown
            }
        }
        var sockets: [(fd: Int32, bound: HTTPListenAddress)] = []
        do throws(HTTPServerError) {
            guard !configuration.listen.isEmpty else { throw .noListenAddresses }
            if let settings = configuration.tls {
                do {
                    let context = try TLSContext(settings)
                    tls.withLock { $0 = context }
                } catch {
                    throw .tls(error)
                }
            }
            for address in configuration.listen {
                sockets.append(try Socket.listen(on: address))
            }
        } catch {
            sockets.forEach { Socket.close($0.fd) }
            state.withLock { if $0.phase == .starting { $0.phase = .idle } }
            throw error
        }

        let listeners = sockets.map { socket in
            HTTPListener(fd: socket.fd, address: socket.bound, queue: acceptQueue) { [weak self] listener in
                self?.acceptConnections(on: listener)
            }
        }
        let started = state.withLock { state in
            guard state.phase == .starting else { return false }  // shut down while binding
            state.phase = .running
            state.listeners = listeners
            state.bound = listeners.map(\.address)
            return true
        }
        listeners.forEach { started ? $0.activate() : $0.activateAndCancel() }
        if !started { throw .shutDown }
    }

    /// Re-reads the TLS certificate and key: new connections use them, open connections keep their session.
    /// On error the previous certificate stays in use. Returns what was loaded.
    @discardableResult
    public func reloadTLS() throws(TLSError) -> TLSCertificateInfo {
        guard let settings = configuration.tls else { throw .notConfigured }
        let context = try TLSContext(settings)
        tls.withLock { $0 = context }
        return context.certificate
    }

    /// The certificate new TLS connections are served with; nil without TLS or before `start()`.
    public var tlsCertificate: TLSCertificateInfo? {
        tls.withLock { $0?.certificate }
    }

    /// TLS handshakes that failed (protocol errors, refused versions or ALPN), since start.
    public var tlsHandshakeFailures: Int { counters.tlsHandshakeFailures.load(ordering: .relaxed) }

    /// The listen addresses with their actual ports (port 0 resolved); empty before `start()`.
    public var boundAddresses: [HTTPListenAddress] {
        state.withLock { $0.bound }
    }

    public var activeConnections: Int { counters.activeConnections.load(ordering: .relaxed) }

    /// Requests handed to the handler whose response is not yet given.
    public var inFlightRequests: Int { counters.inFlightRequests.load(ordering: .relaxed) }

    /// Bytes of request bodies held now (reserved from `maxBufferedBodyBytes`).
    public var bufferedBodyBytes: Int { counters.bufferedBodyBytes.load(ordering: .relaxed) }

    /// Requests answered 503 before their body was read, because it would pass `maxBufferedBodyBytes`.
    public var bodyBudgetRefusals: Int { counters.bodyBudgetRefusals.load(ordering: .relaxed) }

    /// Idle connections closed to admit new ones at a connection cap.
    public var idleConnectionsClosed: Int { counters.idleConnectionsClosed.load(ordering: .relaxed) }

    /// Connections refused at a cap with none idle to close.
    public var connectionsRefused: Int { counters.connectionsRefused.load(ordering: .relaxed) }

    /// Stops accepting (closes the listen sockets), closes idle connections, lets in-flight requests finish
    /// (answered with `Connection: close`), then calls `completion(true)`. After `drainTimeout` the remaining
    /// connections are closed and `completion(false)` is called. Safe to call more than once.
    /// Closes every connection accepted from now on, at once (the listeners close in `shutdown`). Call it before
    /// announcing a drain, so that nobody told of the drain can still open a connection.
    public func stopAdmitting() {
        state.withLock { $0.admitting = false }
    }

    public func shutdown(drainTimeout: Duration, completion: @escaping @Sendable (_ drained: Bool) -> Void) {
        enum Step {
            case completeNow
            case wait
            case drain([HTTPListener], [HTTPConnection])
        }
        let step = state.withLock { state -> Step in
            switch state.phase {
            case .idle, .starting, .stopped:
                state.phase = .stopped
                return .completeNow
            case .draining:
                state.completions.append(completion)
                return .wait
            case .running:
                state.phase = .draining
                state.completions.append(completion)
                let listeners = state.listeners
                state.listeners = []
                return .drain(listeners, Array(state.connections.values))
            }
        }
        switch step {
        case .completeNow:
            acceptQueue.async { completion(true) }
        case .wait:
            break
        case let .drain(listeners, connections):
            listeners.forEach { $0.cancel() }
            connections.forEach { $0.beginDrain() }
            finishDrainIfEmpty()
            acceptQueue.asyncAfter(deadline: .now() + drainTimeout.dispatchInterval) { [self] in
                drainTimeoutExpired()
            }
        }
    }

    // MARK: Accepting

    private static let busyResponse: [UInt8] = Array(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 45\r\nConnection: close\r\n\r\nServer at its connection limit: retry later.\n".utf8)

    /// Runs on `acceptQueue`.
    private func acceptConnections(on listener: HTTPListener) {
        for _ in 0..<64 {
            switch Socket.accept(listener.fd) {
            case .wouldBlock:
                return
            case .transient:
                continue
            case .exhausted:
                listener.pause(for: .milliseconds(100))  // out of descriptors: retry later, do not spin
                return
            case let .accepted(fd, remote):
                admit(fd: fd, remote: remote)
            }
        }
    }

    private func admit(fd: Int32, remote: String) {
        enum Admission {
            case admitted(HTTPConnection)
            case full
            case stopping
        }
        let context = HTTPConnection.Context(
            configuration: configuration, handler: handler, counters: counters,
            onClosed: { [weak self] connection in self?.connectionClosed(connection) })
        let tlsContext = tls.withLock { $0 }
        let host = HTTPConnection.host(of: remote)
        let admission = state.withLock { state -> Admission in
            guard state.phase == .running, state.admitting else { return .stopping }
            // At a cap, the longest-idle connection (of this address, at its cap) makes room: idle sockets
            // cannot lock deliveries out.
            if state.perHost[host, default: 0] >= configuration.maxConnectionsPerAddress {
                guard Self.evictLongestIdle(state.connections.values.filter { $0.remoteHost == host }) else { return .full }
            } else if state.connections.count >= configuration.maxConnections {
                guard Self.evictLongestIdle(state.connections.values) else { return .full }
            }
            let queue = DispatchQueue(label: "firebreak.http.connection", target: connectionQueue)
            let connection = HTTPConnection(fd: fd, remoteAddress: remote, queue: queue, context: context, tls: tlsContext)
            state.connections[ObjectIdentifier(connection)] = connection
            state.perHost[host, default: 0] += 1
            counters.activeConnections.add(1, ordering: .relaxed)  // under the lock: before any close can subtract
            return .admitted(connection)
        }
        switch admission {
        case .admitted(let connection):
            connection.start()
        case .full:
            counters.connectionsRefused.add(1, ordering: .relaxed)
            // Best effort: a fresh socket's send buffer takes this whole; never wait for it. A TLS client
            // could not read plain text, so it just sees the connection close.
            if tlsContext == nil {
                HTTPServer.busyResponse.withUnsafeBytes { _ = Socket.send(fd, $0) }
            }
            Socket.shutdownWrite(fd)
            Socket.close(fd)
        case .stopping:
            Socket.close(fd)
        }
    }

    /// Closes the connection of `candidates` that has been idle longest; false when none is idle.
    private static func evictLongestIdle<C: Sequence<HTTPConnection>>(_ candidates: C) -> Bool {
        var oldest: (connection: HTTPConnection, since: Int64)?
        for connection in candidates {
            let since = connection.idleSince.load(ordering: .relaxed)
            if since > 0, since < oldest?.since ?? Int64.max { oldest = (connection, since) }
        }
        guard let oldest, oldest.connection.evictIfIdle(since: oldest.since) else { return false }
        oldest.connection.context.counters.idleConnectionsClosed.add(1, ordering: .relaxed)
        return true
    }

    // MARK: Closing and draining

    private func connectionClosed(_ connection: HTTPConnection) {
        let removed = state.withLock { state in
            guard state.connections.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return false }
            let left = state.perHost[connection.remoteHost, default: 1] - 1
            state.perHost[connection.remoteHost] = left > 0 ? left : nil
            return true
        }
        if removed { counters.activeConnections.subtract(1, ordering: .relaxed) }
        finishDrainIfEmpty()
    }

    private func finishDrainIfEmpty() {
        let finished = state.withLock { state -> (completions: [@Sendable (Bool) -> Void], drained: Bool)? in
            guard state.phase == .draining, state.connections.isEmpty else { return nil }
            state.phase = .stopped
            let completions = state.completions
            state.completions = []
            return (completions, !state.drainTimedOut)
        }
        if let finished {
            finished.completions.forEach { $0(finished.drained) }
        }
    }

    private func drainTimeoutExpired() {
        let remaining = state.withLock { state -> [HTTPConnection] in
            guard state.phase == .draining else { return [] }
            state.drainTimedOut = true
            return Array(state.connections.values)
        }
        remaining.forEach { $0.forceClose() }
    }
}
