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

    struct Context: Sendable {
        let configuration: HTTPServerConfiguration
        let handler: any HTTPHandler
        let counters: HTTPServerCounters
        /// Called once, on `queue`, after the socket is closed.
        let onClosed: @Sendable (HTTPConnection) -> Void
    }

    private enum State: Equatable {
        case reading
        case handling(id: Int)
        case writing
        /// Response done, write side shut: discard what the client still sends, briefly, then close.
        case lingering
        case closed
    }

    private enum TimerPhase {
        case none, handshake, idle, head, body, write, linger
    }

    /// Bound on discarded bytes and time while lingering before close.
    private static let lingerBytes = 1 << 20
    private static let lingerTime: DispatchTimeInterval = .seconds(2)
    private static let readChunk = 32 * 1024

    let fd: Int32
    let remoteAddress: String
    private let queue: DispatchQueue
    private let context: Context
    /// The TLS context to start a session with, for a TLS listener.
    private let tls: TLSContext?
    private var transport = ConnectionTransport.plain
    /// True from accept until a TLS handshake completes; requests are read only afterwards.
    private var handshaking: Bool

    private var parser: HTTPRequestParser
    private var state = State.reading
    private var readSource: DispatchSourceRead?
    private var writeSource: DispatchSourceWrite?
    private var timer: DispatchSourceTimer?
    private var openSources = 0
    /// The read source is suspended (it is wanted when reading is not paused, or a TLS write waits for input).
    private var readSuspended = false
    /// The state machine wants no input now (buffer full, peer closed, answering an error).
    private var readPaused = false
    /// The write source starts inactive; `resume()` activates it the first time.
    private var writeSuspended = true
    /// Outbound bytes wait for the socket to become writable.
    private var outboundBlocked = false
    /// A TLS read (or handshake step) waits for writability; a TLS write waits for readability.
    private var readNeedsWritable = false
    private var writeNeedsReadable = false
    private var timerPhase = TimerPhase.none
    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    private var closeAfterWrite = false
    private var draining = false
    private var peerClosed = false
    private var requestCount = 0
    private var requestMethod = ""
    private var requestKeepAlive = false
    private var requestIsHTTP10 = false
    private var lingered = 0
    private var lingerBeforeClose = false

    init(fd: Int32, remoteAddress: String, queue: DispatchQueue, context: Context, tls: TLSContext? = nil) {
        self.fd = fd
        self.remoteAddress = remoteAddress
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

    private func close() {
        guard state != .closed else { return }
        if case .handling = state { context.counters.inFlightRequests.subtract(1, ordering: .relaxed) }
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

    // MARK: Reading

    /// The read source fired: first a TLS write that waited for input, then reading if wanted.
    private func readEvent() {
        guard state != .closed else { return }
        if writeNeedsReadable {
            writeNeedsReadable = false
            flush()
            guard state != .closed else { return }
            syncReadSource()
        }
        if !readPaused { readable() }
    }

    /// The write source fired: first a TLS read that waited for writability, then the outbound bytes.
    private func writeEvent() {
        guard state != .closed else { return }
        if readNeedsWritable {
            readNeedsWritable = false
            if !readPaused { readable() }
            guard state != .closed else { return }
        }
        if outboundBlocked { flush() } else { syncWriteSource() }
    }

    private func readable() {
        guard state != .closed else { return }
        if handshaking {
            continueHandshake()
            return
        }
        let result = withUnsafeTemporaryAllocation(byteCount: HTTPConnection.readChunk, alignment: 1) { buffer in
            let result = transport.read(fd, into: buffer)
            if case .bytes(let n) = result, state != .lingering {
                parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
            return result
        }
        switch result {
        case .bytes(let n):
            switch state {
            case .reading:
                process()
            case .handling, .writing:
                if parser.bufferedByteCount >= parser.pipelineBufferLimit { suspendReading() }
            case .lingering:
                lingered += n
                if lingered >= HTTPConnection.lingerBytes { close() }
            case .closed:
                break
            }
            readBufferedInputLater()
        case .wantRead:
            break
        case .wantWrite:
            readNeedsWritable = true
            syncWriteSource()
        case .endOfFile:
            peerClosed = true
            switch state {
            case .handling, .writing:
                suspendReading()  // answer what was asked, then close
            case .reading, .lingering, .closed:
                close()
            }
        case .failed:
            close()
        }
    }

    /// TLS holds decrypted input the socket will not announce: read it on a later turn (one chunk per turn).
    private func readBufferedInputLater() {
        guard transport.hasBufferedInput, !readPaused, state != .closed else { return }
        queue.async {
            guard self.state != .closed, !self.readPaused else { return }
            self.readable()
        }
    }

    /// Drives the TLS handshake; once done, arms the header timeout and reads what followed it.
    private func continueHandshake() {
        guard case .tls(let stream) = transport else {
            handshaking = false
            return
        }
        switch stream.handshake() {
        case .done:
            handshaking = false
            arm(.head, context.configuration.headerTimeout)
            readable()
        case .wantRead:
            break
        case .wantWrite:
            readNeedsWritable = true
            syncWriteSource()
        case .plainHTTP:
            // Answer in plain text so that the mistake is visible, then close.
            handshaking = false
            transport = .plain
            fail(.plainHTTPOnTLSPort)
        case .closed:
            close()
        case .failed:
            context.counters.tlsHandshakeFailures.add(1, ordering: .relaxed)
            // OpenSSL has sent its alert; drain what the client still sends so that closing is not a reset.
            handshaking = false
            transport = .plain
            linger()
        }
    }

    /// Parses buffered bytes while in `.reading`; dispatches at most one request.
    private func process() {
        while state == .reading {
            let event: HTTPRequestParser.Event?
            do {
                event = try parser.next()
            } catch {
                fail(error)
                return
            }
            guard let event else {
                awaitMoreInput()
                return
            }
            switch event {
            case .head(let head, let expectsContinue):
                if parser.isReadingBody, let refusal = context.handler.screen(head) {
                    refuse(refusal, head: head)
                    return
                }
                if expectsContinue && parser.bufferedByteCount == 0 {
                    outbound.append(contentsOf: HTTPResponseEncoder.continueResponse)
                    flush()
                }
            case .request(var request, let keepAlive):
                request.remoteAddress = remoteAddress
                dispatch(request, keepAlive: keepAlive)
            }
        }
    }

    /// Arms the timer for what the connection now waits for (idle, rest of head, rest of body).
    private func awaitMoreInput() {
        if parser.isReadingBody {
            if timerPhase != .body { arm(.body, context.configuration.bodyTimeout) }
        } else if parser.hasPartialRequest {
            if timerPhase != .head { arm(.head, context.configuration.headerTimeout) }
        } else if draining {
            close()
        } else if timerPhase != .idle && timerPhase != .head {
            // `.head` with nothing buffered is the accept-time deadline: keep it.
            arm(.idle, context.configuration.idleTimeout)
        }
    }

    private func suspendReading() {
        readPaused = true
        syncReadSource()
    }

    private func resumeReading() {
        guard readPaused else { return }
        readPaused = false
        syncReadSource()
        readBufferedInputLater()
    }

    /// Suspends or resumes the read source to match what the connection waits for.
    private func syncReadSource() {
        guard state != .closed, let readSource else { return }
        let wanted = !readPaused || writeNeedsReadable
        if wanted && readSuspended {
            readSuspended = false
            readSource.resume()
        } else if !wanted && !readSuspended {
            readSuspended = true
            readSource.suspend()
        }
    }

    /// Suspends or resumes the write source to match what the connection waits for.
    private func syncWriteSource() {
        guard state != .closed, let writeSource else { return }
        let wanted = outboundBlocked || readNeedsWritable
        if wanted && writeSuspended {
            writeSuspended = false
            writeSource.resume()
        } else if !wanted && !writeSuspended {
            writeSuspended = true
            writeSource.suspend()
        }
    }

    // MARK: Handling

    private func dispatch(_ request: HTTPRequest, keepAlive: Bool) {
        requestCount += 1
        let id = requestCount
        state = .handling(id: id)
        requestMethod = request.method
        requestKeepAlive = keepAlive
        requestIsHTTP10 = request.version == "HTTP/1.0"
        disarm()
        context.counters.inFlightRequests.add(1, ordering: .relaxed)
        context.handler.handle(request) { response in
            self.queue.async { self.respond(id: id, response) }
        }
    }

    private func respond(id: Int, _ response: HTTPResponse) {
        guard state == .handling(id: id) else { return }  // late, duplicate, or connection gone
        context.counters.inFlightRequests.subtract(1, ordering: .relaxed)
        let keepAlive = requestKeepAlive && !draining && !peerClosed && !HTTPResponseEncoder.wantsClose(response)
        let bytes = HTTPResponseEncoder.encode(response, requestMethod: requestMethod, keepAlive: keepAlive,
                                               http10KeepAlive: keepAlive && requestIsHTTP10)
        send(bytes, thenClose: !keepAlive)
    }

    /// Answers a protocol error and closes. A header timeout with nothing received just closes.
    private func fail(_ error: HTTPProtocolError) {
        suspendReading()
        let head = parser.currentHead
        let response = context.configuration.errorResponder(error, head)
        let bytes = HTTPResponseEncoder.encode(response, requestMethod: head?.method, keepAlive: false)
        lingerBeforeClose = true  // the client may still be sending the rest of its request
        send(bytes, thenClose: true)
    }

    /// Answers a request that its handler refused from the head alone, without reading its body, and closes.
    private func refuse(_ response: HTTPResponse, head: HTTPRequestHead) {
        suspendReading()
        let bytes = HTTPResponseEncoder.encode(response, requestMethod: head.method, keepAlive: false)
        lingerBeforeClose = true  // the client may still be sending its body
        send(bytes, thenClose: true)
    }

    // MARK: Writing

    private func send(_ bytes: [UInt8], thenClose: Bool) {
        state = .writing
        closeAfterWrite = thenClose
        outbound.append(contentsOf: bytes)
        arm(.write, context.configuration.writeTimeout)
        flush()
    }

    /// Writes as much of `outbound` as the socket takes; waits for writability otherwise.
    private func flush() {
        guard state != .closed else { return }
        var progressed = false
        while outboundOffset < outbound.count {
            let result = outbound.withUnsafeBytes { all in
                transport.write(fd, UnsafeRawBufferPointer(rebasing: all[outboundOffset...]))
            }
            switch result {
            case .bytes(let n):
                outboundOffset += n
                progressed = true
            case .wantWrite:
                if progressed && state == .writing { arm(.write, context.configuration.writeTimeout) }
                outboundBlocked = true
                syncWriteSource()
                return
            case .wantRead:
                // TLS: the write can go on once the peer's bytes arrive.
                if progressed && state == .writing { arm(.write, context.configuration.writeTimeout) }
                outboundBlocked = false
                writeNeedsReadable = true
                syncWriteSource()
                syncReadSource()
                return
            case .endOfFile, .failed:
                close()
                return
            }
        }
        outbound.removeAll(keepingCapacity: outbound.capacity <= 64 * 1024)
        outboundOffset = 0
        outboundBlocked = false
        syncWriteSource()
        if state == .writing { responseWritten() }
    }

    private func responseWritten() {
        if closeAfterWrite || peerClosed {
            // After a complete exchange the client normally sends nothing more: close at once unless it did.
            if lingerBeforeClose || Socket.hasUnreadBytes(fd) || transport.hasBufferedInput { linger() } else { close() }
            return
        }
        state = .reading
        timerPhase = .none
        resumeReading()
        process()  // a pipelined request may already be buffered
    }

    /// Half-closes, then drains the client's unread bytes (bounded in time and size) so that closing does not
    /// reset the connection, which could discard the response before the client reads it.
    private func linger() {
        guard !peerClosed else { close(); return }
        state = .lingering
        transport.shutdownWrite(fd)
        arm(.linger, HTTPConnection.lingerTime)
        resumeReading()
    }

    // MARK: Timer

    private func arm(_ phase: TimerPhase, _ duration: Duration) {
        arm(phase, duration.dispatchInterval)
    }

    private func arm(_ phase: TimerPhase, _ interval: DispatchTimeInterval) {
        timerPhase = phase
        timer?.schedule(deadline: .now() + interval)
    }

    private func disarm() {
        timerPhase = .none
        timer?.schedule(deadline: .distantFuture)
    }

    private func timerFired() {
        switch timerPhase {
        case .none:
            break
        case .handshake, .idle, .write, .linger:
            close()
        case .head:
            if state == .reading && parser.hasPartialRequest { fail(.headerTimeout) } else { close() }
        case .body:
            fail(.bodyTimeout)
        }
    }
}
