import Dispatch

// Writing: the write source, sending a response, and closing after it (at once or after lingering).
extension HTTPConnection {
    /// The write source fired: first a TLS read that waited for writability, then the outbound bytes.
    func writeEvent() {
        guard state != .closed else { return }
        if readNeedsWritable {
            readNeedsWritable = false
            if !readPaused { readable() }
            guard state != .closed else { return }
        }
        if outboundBlocked { flush() } else { syncWriteSource() }
    }

    /// Suspends or resumes the write source to match what the connection waits for.
    func syncWriteSource() {
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

    func send(_ bytes: [UInt8], thenClose: Bool) {
        state = .writing
        closeAfterWrite = thenClose
        outbound.append(contentsOf: bytes)
        arm(.write, context.configuration.writeTimeout)
        flush()
    }

    /// Writes as much of `outbound` as the socket takes; waits for writability otherwise.
    func flush() {
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
    func linger() {
        guard !peerClosed else { close(); return }
        state = .lingering
        transport.shutdownWrite(fd)
        arm(.linger, HTTPConnection.lingerTime)
        resumeReading()
    }
}
