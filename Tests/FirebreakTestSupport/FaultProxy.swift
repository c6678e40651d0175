import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 reverse proxy on 127.0.0.1 in front of a loopback upstream (moto), for tests that cut an AWS call
/// after the upstream carried it out and before the answer reaches the caller.
///
/// Every request is forwarded byte for byte on a fresh upstream connection (so `Host` and every signed header
/// reach moto unchanged, and SigV4 checks out against the `Host` the client signed) and the whole answer read
/// (`Content-Length`, chunked, or to the end of the connection). The answer goes back with its own bytes and
/// headers except `Connection`/`Keep-Alive`: the proxy keeps the client's connection open (HTTP/1.1 without
/// `Connection: close`) as AWS does, even though moto closes each one. An upstream that cannot be reached or
/// breaks off is answered `502`. The body is read before forwarding, so `Expect: 100-continue` is not answered
/// (the project's transport never sends it), and interim 1xx answers are not relayed.
///
/// An armed `FaultRule` picks one request: it is forwarded, its answer read and recorded, the rule's callback
/// run, and the client's connection closed without a byte of the answer. Beware that libcurl resends a request
/// by itself when a *reused* connection closes before any answer byte (up to 5 times): a client that lives on
/// sees its call made again, only the first copy cut; a fresh connection or a killed client sees no resend.
///
/// Blocking threads: one accepting, one per client connection (idle connections close after 30 s, an upstream
/// answer may take 60 s). `stop()` (or deinit) closes the listener and every client connection.
public final class FaultProxy: Sendable {
    public let port: UInt16
    /// `http://127.0.0.1:<port>/`: where clients (and `AWS_ENDPOINT_URL` of a service) should point.
    public let endpoint: URL
    public let upstreamPort: UInt16
    private let listenFD: Int32
    private let state = Mutex(State())

    private struct State {
        var armed: (rule: FaultRule, seen: Int)?
        var actions: [String] = []
        var exchanges: [FaultExchange] = []
        var cuts: [FaultExchange] = []
        var clients: Set<Int32> = []
        var accepted = 0
        var stopped = false
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Listens on a free 127.0.0.1 port and forwards to `upstream` (`http://127.0.0.1:<port>/`, loopback only).
    public init(upstream: URL) throws {
        guard upstream.scheme == "http", upstream.host == "127.0.0.1", let upstreamPort = upstream.port else {
            throw Failure(description: "the upstream must be http://127.0.0.1:<port>/, not \(upstream)")
        }
        self.upstreamPort = UInt16(upstreamPort)
        (listenFD, port) = try LoopbackSocket.listen()
        endpoint = URL(string: "http://127.0.0.1:\(port)/")!
        let fd = listenFD
        Thread.detachNewThread { [weak self] in
            Self.acceptLoop(fd) { self }
        }
    }

    deinit { stop() }

    // MARK: Rules

    /// Arms `rule`, replacing any armed one; its occurrences count from now.
    public func arm(_ rule: FaultRule) {
        state.withLock { $0.armed = (rule, 0) }
    }

    /// Forwards everything from now on.
    public func disarm() {
        state.withLock { $0.armed = nil }
    }

    public var isArmed: Bool { state.withLock { $0.armed != nil } }

    // MARK: What went through

    /// The AWS action of every forwarded request, in the order the requests arrived.
    public var actions: [String] { state.withLock { $0.actions } }

    /// Every forwarded request with its answer, in the order the answers were read.
    public var exchanges: [FaultExchange] { state.withLock { $0.exchanges } }

    /// The exchanges whose answer was withheld, once their callback ran and the client connection closed.
    public var cuts: [FaultExchange] { state.withLock { $0.cuts } }

    /// Client connections accepted so far (a client that reuses its connection adds one, not one per call).
    public var connectionsAccepted: Int { state.withLock { $0.accepted } }

    /// Waits (at most `timeout`) until `count` cuts are complete; returns the `count`-th, or nil on timeout.
    public func waitForCut(_ count: Int = 1, timeout: Duration) -> FaultExchange? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let cuts = self.cuts
            if cuts.count >= count { return cuts[count - 1] }
            if ContinuousClock.now >= deadline { return nil }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Stops listening and closes every client connection; idempotent.
    public func stop() {
        let clients: Set<Int32> = state.withLock { state in
            guard !state.stopped else { return [] }
            state.stopped = true
            shutdown(listenFD, Int32(SHUT_RDWR))   // wakes the accepting thread, which closes it
            return state.clients
        }
        for client in clients { shutdown(client, Int32(SHUT_RDWR)) }
    }

    // MARK: Connections

    private static func acceptLoop(_ fd: Int32, _ proxy: () -> FaultProxy?) {
        defer { close(fd) }
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 && errno == EINTR { continue }
            guard let proxy = proxy() else {
                if client >= 0 { close(client) }
                return
            }
            guard client >= 0, proxy.register(client) else {
                if client >= 0 { close(client) }
                if proxy.state.withLock({ $0.stopped }) { return }
                usleep(10_000)   // out of descriptors, or the like: no busy loop
                continue
            }
            LoopbackSocket.setTimeouts(client, seconds: 30)
            Thread.detachNewThread { proxy.serve(client) }
        }
    }

    private func register(_ client: Int32) -> Bool {
        state.withLock { state in
            guard !state.stopped else { return false }
            state.clients.insert(client)
            state.accepted += 1
            return true
        }
    }

    /// Requests of one client connection, one after another, until it closes or a cut closes it.
    private func serve(_ client: Int32) {
        var cut: FaultExchange?
        defer {
            // The cut is recorded before the client sees its connection close, so a caller that reads `cuts` right
            // after its call failed finds it.
            if let cut { state.withLock { $0.cuts.append(cut) } }
            state.withLock { _ = $0.clients.remove(client) }
            close(client)
        }
        let reader = HTTPWireReader(fd: client)
        while true {
            guard let request = try? reader.readRequest() else { return }
            let action = AWSActionName.of(request)
            let rule = admit(action: action, target: request.header("X-Amz-Target"))
            let raw = request.rawHead + request.rawBody
            let response = try? forward(raw, method: request.method)
            let exchange = FaultExchange(action: action, request: raw, status: response?.status,
                                         responseBody: response?.body ?? [], withheld: rule != nil)
            state.withLock { $0.exchanges.append(exchange) }
            if let rule {
                rule.onCut(exchange)
                cut = exchange
                return
            }
            guard let response else {
                _ = LoopbackSocket.sendAll(client, Self.badGateway)
                return
            }
            let keepAlive = Self.keepsAlive(request) && !response.endsWithConnection
            guard LoopbackSocket.sendAll(client, Self.relayed(response, keepAlive: keepAlive)), keepAlive else { return }
        }
    }

    /// Records the action; returns the armed rule when this request is the one it cuts (and disarms it).
    private func admit(action: String?, target: String?) -> FaultRule? {
        state.withLock { state in
            if let action { state.actions.append(action) }
            guard var armed = state.armed, armed.rule.matches(action: action, target: target) else { return nil }
            armed.seen += 1
            state.armed = armed.seen == armed.rule.occurrence ? nil : armed
            return armed.seen == armed.rule.occurrence ? armed.rule : nil
        }
    }

    /// Sends the request on a new upstream connection and reads the whole answer.
    private func forward(_ raw: [UInt8], method: String) throws -> HTTPWireMessage {
        let upstream = try LoopbackSocket.connect(port: upstreamPort)
        defer { close(upstream) }
        LoopbackSocket.setTimeouts(upstream, seconds: 60)
        guard LoopbackSocket.sendAll(upstream, raw) else {
            throw HTTPWireError(description: "the upstream did not take the request")
        }
        return try HTTPWireReader(fd: upstream).readResponse(to: method)
    }

    private static func keepsAlive(_ request: HTTPWireMessage) -> Bool {
        request.requestVersion == "HTTP/1.1" && !request.headerHasToken("Connection", "close")
    }

    /// The answer's status line, headers (less `Connection`, `Keep-Alive`) and body bytes as the upstream sent
    /// them, with `Connection: close` when the proxy will close.
    private static func relayed(_ response: HTTPWireMessage, keepAlive: Bool) -> [UInt8] {
        var head = response.startLine + "\r\n"
        for header in response.headers where !["connection", "keep-alive"].contains(header.name.lowercased()) {
            head += "\(header.name): \(header.value)\r\n"
        }
        if !keepAlive { head += "Connection: close\r\n" }
        return Array((head + "\r\n").utf8) + response.rawBody
    }

    private static let badGateway = Array(("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: 28\r\n"
                                           + "Connection: close\r\n\r\nthe upstream did not answer\n").utf8)
}
