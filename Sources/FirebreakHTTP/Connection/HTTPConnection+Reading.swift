import Dispatch
import Synchronization

// Reading: the read source, the TLS handshake, and parsing input into requests.
extension HTTPConnection {
    /// The read source fired: first a TLS write that waited for input, then reading if wanted.
    func readEvent() {
        guard state != .closed else { return }
        if writeNeedsReadable {
            writeNeedsReadable = false
            flush()
            guard state != .closed else { return }
            syncReadSource()
        }
        if !readPaused { readable() }
    }

    func readable() {
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
            bytesRead &+= n
            if idleSince.load(ordering: .relaxed) > 0 { idleSince.store(0, ordering: .relaxed) }  // a request begins
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
    func process() {
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
                if parser.isReadingBody {
                    if let refusal = context.handler.screen(head) {
                        refuse(refusal, head: head)
                        return
                    }
                    guard reserveBody(for: head) else {
                        refuseForBudget(head)
                        return
                    }
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
            if timerPhase != .body {
                bodyStarted = (ContinuousClock.now, bytesRead)
                armBodyCheck()
            }
        } else if parser.hasPartialRequest {
            if timerPhase != .head { arm(.head, context.configuration.headerTimeout) }
        } else if draining {
            close()
        } else if timerPhase != .idle && timerPhase != .head {
            // `.head` with nothing buffered is the accept-time deadline: keep it.
            arm(.idle, context.configuration.idleTimeout)
            idleSince.store(HTTPConnection.uptimeNanos(), ordering: .relaxed)
        }
    }

    func suspendReading() {
        readPaused = true
        syncReadSource()
    }

    func resumeReading() {
        guard readPaused else { return }
        readPaused = false
        syncReadSource()
        readBufferedInputLater()
    }

    /// Suspends or resumes the read source to match what the connection waits for.
    func syncReadSource() {
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
}

// The server's budget for request bodies held in memory.
extension HTTPConnection {
    /// Reserves the announced body (a chunked one: `maxBodyBytes`) from the server's budget.
    func reserveBody(for head: HTTPRequestHead) -> Bool {
        let configuration = context.configuration
        let bytes: Int
        switch head.bodyLength {
        case .none: return true
        case .fixed(let length): bytes = length
        case .chunked: bytes = configuration.maxBodyBytes
        }
        guard context.counters.reserveBody(bytes, limit: configuration.maxBufferedBodyBytes) else { return false }
        reservedBodyBytes = bytes
        return true
    }

    /// Gives the reservation back: the request was answered, or the connection closed.
    func releaseBodyReservation() {
        context.counters.releaseBody(reservedBodyBytes)
        reservedBodyBytes = 0
    }

    /// 503 with `Retry-After`, before any of the body is read.
    func refuseForBudget(_ head: HTTPRequestHead) {
        context.counters.bodyBudgetRefusals.add(1, ordering: .relaxed)
        var response = context.configuration.errorResponder(.bodyBudgetExhausted, head)
        response.headers["Retry-After"] = String(context.configuration.retryAfterSeconds)
        refuse(response, head: head)
    }
}
