/// How a connection moves its bytes: straight through the socket, or through a TLS session over it.
///
/// `HTTPConnection` reads, writes and closes through this, so its state machine is the same for both.
enum ConnectionTransport {
    case plain
    case tls(TLSStream)

    enum IOResult {
        case bytes(Int)
        /// Retry when the socket is readable (plain sockets: would block on read).
        case wantRead
        /// Retry when the socket is writable (plain sockets: would block on write; TLS: even for a read).
        case wantWrite
        case endOfFile
        case failed
    }

    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        switch self {
        case .plain:
            switch Socket.read(fd, into: buffer) {
            case .bytes(let n): .bytes(n)
            case .wouldBlock: .wantRead
            case .endOfFile: .endOfFile
            case .failed: .failed
            }
        case .tls(let stream):
            stream.read(into: buffer)
        }
    }

    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> IOResult {
        switch self {
        case .plain:
            switch Socket.send(fd, bytes) {
            case .bytes(let n): .bytes(n)
            case .wouldBlock: .wantWrite
            case .endOfFile: .endOfFile
            case .failed: .failed
            }
        case .tls(let stream):
            stream.write(bytes)
        }
    }

    /// Decrypted input held in memory, which no read event will announce.
    var hasBufferedInput: Bool {
        if case .tls(let stream) = self { stream.hasBufferedInput } else { false }
    }

    /// Sends TLS close_notify (best effort), then half-closes the socket.
    func shutdownWrite(_ fd: Int32) {
        closeNotify()
        Socket.shutdownWrite(fd)
    }

    /// Sends TLS close_notify once, best effort; nothing for plain sockets.
    func closeNotify() {
        if case .tls(let stream) = self { stream.closeNotify() }
    }
}
