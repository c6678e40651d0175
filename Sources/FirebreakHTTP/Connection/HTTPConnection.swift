import Dispatch
import Synchronization

/// One accepted socket: (TLS handshake →) reading head → reading body → handling → writing → reading again, or closed.
///
/// Driven by Dispatch read/write/timer sources on its own serial queue; never blocks a thread. Bytes move through
/// a `ConnectionTransport` (the socket itself, or TLS over it), whose reads may need writability and writes readability.
/// Requests are handled one at a time; bytes of pipelined requests are buffered meanwhile (bounded by
/// the parser's `pipelineBufferLimit`, after which reading pauses).
final class HTTPConnection: @unchecked Sendable {
    // @unchecked Sendable: every `var` below is read and written only on `queue`. Public entry points
    // (`start`, `beginDrain`, `forceClose`, the responder) hop onto `queue`; Dispatch source handlers run on it.
    // The state below is internal rather than private only for the extensions in `HTTPConnection+*.swift`.

    struct Context: Sendable {
        let configuration: HTTPServer.Configuration
        let handler: any HTTPHandler
        let counters: HTTPServerCounters
        /// Called once, on `queue`, after the socket is closed.
        let onClosed: @Sendable (HTTPConnection) -> Void
    }

    enum State: Equatable {
        case reading
        case handling(id: Int)
        case writing
        /// Response done, write side shut: discard what the client still sends, briefly, then close.
        case lingering
        case closed
    }

    enum TimerPhase {
        case none, handshake, idle, head, body, write, linger
    }

    /// Bound on discarded bytes and time while lingering before close.
    static let lingerBytes = 1 << 20
    static let lingerTime: DispatchTimeInterval = .seconds(2)
    static let readChunk = 32 * 1024

    let fd: Int32
    let remoteAddress: String
    /// `remoteAddress` without its port: what the per-address connection cap counts.
    let remoteHost: String
    /// When the connection became idle (no request in progress), in uptime nanoseconds; 0 while a request is
    /// in progress, -1 once the server chose to close it for a new connection. Read by the server at its caps.
    let idleSince: Atomic<Int64>
    let queue: DispatchQueue
    let context: Context
    /// The TLS context to start a session with, for a TLS listener.
    private let tls: TLSContext?
    var transport = ConnectionTransport.plain
    /// True from accept until a TLS handshake completes; requests are read only afterwards.
    var handshaking: Bool

    var parser: HTTPRequestParser
    var state = State.reading
    private(set) var readSource: DispatchSourceRead?
    private(set) var writeSource: DispatchSourceWrite?
    private(set) var timer: DispatchSourceTimer?
    private var openSources = 0
    /// The read source is suspended (it is wanted when reading is not paused, or a TLS write waits for input).
    var readSuspended = false
    /// The state machine wants no input now (buffer full, peer closed, answering an error).
    var readPaused = false
    /// The write source starts inactive; `resume()` activates it the first time.
    var writeSuspended = true
    /// Outbound bytes wait for the socket to become writable.
    var outboundBlocked = false
    /// A TLS read (or handshake step) waits for writability; a TLS write waits for readability.
    var readNeedsWritable = false
    var writeNeedsReadable = false
    var timerPhase = TimerPhase.none
    var outbound: [UInt8] = []
    var outboundOffset = 0
    var closeAfterWrite = false
    private(set) var draining = false
    var peerClosed = false
    var requestCount = 0
    var requestMethod = ""
    var requestKeepAlive = false
    var requestIsHTTP10 = false
    var lingered = 0
    var lingerBeforeClose = false
    /// Bytes of the server's body budget this connection holds for the request being read or handled.
    var reservedBodyBytes = 0
    /// Bytes read from the peer, all requests (for the body's transfer rate).
    var bytesRead = 0
    /// When the current body started, and `bytesRead` then.
    var bodyStarted: (at: ContinuousClock.Instant, bytes: Int)?

    init(fd: Int32, remoteAddress: String, queue: DispatchQueue, context: Context, tls: TLSContext? = nil) {
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.remoteHost = HTTPConnection.host(of: remoteAddress)
        self.idleSince = Atomic(HTTPConnection.uptimeNanos())
        self.queue = queue
        self.context = context
        self.tls = tls
        self.handshaking = tls != nil
        self.parser = HTTPRequestParser(limits: .init(context.configuration))
    }

    // MARK: Entry points (any thread)

    func start() {
        queue.async { self.setUp() }
    }

    /// Server shutdown: close now if idle, otherwise finish the current request with `Connection: close`.
    func beginDrain() {
        queue.async {
            self.draining = true
            if self.state == .reading && !self.parser.hasPartialRequest { self.close() }
        }
    }

    func forceClose() {
        queue.async { self.close() }
    }

    /// Claims this connection for closing if it has been idle since `since` (the value the caller read); the
    /// server calls it at a connection cap. True when claimed: it closes on its queue.
    func evictIfIdle(since: Int64) -> Bool {
        guard since > 0, idleSince.compareExchange(expected: since, desired: -1, ordering: .relaxed).exchanged else { return false }
        queue.async { self.close() }
        return true
    }

    /// `127.0.0.1` of `127.0.0.1:53122`, `::1` of `[::1]:53122`.
    static func host(of address: String) -> String {
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<end])
        }
        guard let colon = address.lastIndex(of: ":") else { return address }
        return String(address[..<colon])
    }

    static func uptimeNanos() -> Int64 {
        Int64(clamping: DispatchTime.now().uptimeNanoseconds)
    }

    // MARK: Setup and teardown

    private func setUp() {
        guard state != .closed else { return }  // drained before it started
        if let tls {
            guard let stream = TLSStream(context: tls, fd: fd) else {
                close()  // out of memory: refuse this one connection
                return
            }
            transport = .tls(stream)
        }
        let read = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        read.setEventHandler { self.readEvent() }
        read.setCancelHandler { self.sourceCancelled() }
        let write = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        write.setEventHandler { self.writeEvent() }
        write.setCancelHandler { self.sourceCancelled() }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { self.timerFired() }
        timer.setCancelHandler { self.sourceCancelled() }
        timer.schedule(deadline: .distantFuture)
        openSources = 3
        readSource = read
        writeSource = write
        self.timer = timer
        timer.activate()
        read.activate()
        if handshaking {
            // The handshake must finish within handshakeTimeout of accept; then the headers within headerTimeout.
            arm(.handshake, context.configuration.handshakeTimeout)
        } else {
            // Headers must arrive within headerTimeout of accept.
            arm(.head, context.configuration.headerTimeout)
        }
        if draining { close() }
    }

    func close() {
        guard state != .closed else { return }
        if case .handling = state { context.counters.inFlightRequests.subtract(1, ordering: .relaxed) }
        releaseBodyReservation()
        state = .closed
        timerPhase = .none
        outbound = []
        transport.closeNotify()
        guard openSources > 0 else {
            // Never set up (drained before start ran): nothing to cancel.
            finishClose()
            return
        }
        if readSuspended { readSuspended = false; readSource?.resume() }
        readSource?.cancel()
        if writeSuspended { writeSuspended = false; writeSource?.resume() }
        writeSource?.cancel()
        timer?.cancel()
    }

    private func sourceCancelled() {
        openSources -= 1
        if openSources == 0 { finishClose() }
    }

    private func finishClose() {
        readSource = nil
        writeSource = nil
        timer = nil
        transport = .plain  // frees the TLS session
        Socket.close(fd)
        context.onClosed(self)
    }
}
