internal import COpenSSL
import Glibc

/// One connection's TLS session (an OpenSSL `SSL`) over its non-blocking socket.
///
/// Used only on its connection's serial queue. Nothing is buffered beyond OpenSSL's own record buffers
/// (read-ahead stays off, so at most one record is held); the caller reads in bounded chunks.
final class TLSStream {
    enum Handshake {
        case done
        /// Call again when the socket is readable.
        case wantRead
        /// Call again when the socket is writable.
        case wantWrite
        /// The client spoke plain HTTP (its first byte is an ASCII letter, not a TLS record).
        case plainHTTP
        /// The client closed before completing the handshake.
        case closed
        /// A protocol or socket error; the connection should close without close_notify.
        case failed(String)
    }

    /// A socket BIO that sends with MSG_NOSIGNAL, made once for the process.
    struct SocketMethod: @unchecked Sendable {
        // @unchecked Sendable: the BIO_METHOD is built once (Swift's lazy static initialisation is thread-safe)
        // and only read by OpenSSL afterwards.
        let pointer: OpaquePointer?
        static let shared = SocketMethod(pointer: firebreak_socket_bio_method_new())
    }

    private let ssl: OpaquePointer
    private let fd: Int32
    private var firstByteChecked = false
    private var established = false
    /// After a fatal error OpenSSL forbids SSL_shutdown.
    private var broken = false
    private var closeNotifySent = false

    /// A server-side session on `fd` (which stays the caller's to close); nil when OpenSSL is out of memory.
    init?(context: TLSContext, fd: Int32) {
        guard let method = SocketMethod.shared.pointer, let ssl = SSL_new(context.pointer) else { return nil }
        guard firebreak_SSL_set_socket(ssl, method, fd) == 1 else {
            SSL_free(ssl)
            return nil
        }
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.fd = fd
    }

    deinit {
        SSL_free(ssl)
    }

    /// Advances the handshake as far as the socket allows.
    func handshake() -> Handshake {
        if !firstByteChecked {
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
            if n == 0 { return .closed }
            if n < 0 {
                let e = errno
                if e == EAGAIN || e == EWOULDBLOCK || e == EINTR { return .wantRead }
                return .failed(Socket.errorMessage(e))
            }
            firstByteChecked = true
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { return .plainHTTP }
        }
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            established = true
            return .done
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_WANT_WRITE:
            return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            broken = true
            return .closed
        case SSL_ERROR_SYSCALL where errno == 0 && ERR_peek_error() == 0:
            broken = true
            return .closed
        default:
            broken = true
            let e = errno
            let queued = ERR_peek_error() != 0
            return .failed(queued ? TLSContext.takeErrors() : Socket.errorMessage(e))
        }
    }

    /// Decrypted bytes into `buffer` (at most one record's worth).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> ConnectionTransport.IOResult {
        ERR_clear_error()
        let n = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        if n > 0 { return .bytes(Int(n)) }
        return outcome(n)
    }

    /// Encrypts and sends as much of `bytes` as the socket takes (partial writes are on).
    ///
    /// After `wantRead`/`wantWrite`, call again with the same bytes, possibly followed by more.
    func write(_ bytes: UnsafeRawBufferPointer) -> ConnectionTransport.IOResult {
        ERR_clear_error()
        let n = SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        if n > 0 { return .bytes(Int(n)) }
        return outcome(n)
    }

    /// Decrypted bytes OpenSSL holds that the socket will not signal.
    var hasBufferedInput: Bool { SSL_pending(ssl) > 0 }

    /// Sends close_notify once, best effort (never waits for the socket or for the peer's own close_notify).
    func closeNotify() {
        guard established, !broken, !closeNotifySent else { return }
        closeNotifySent = true
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    private func outcome(_ result: Int32) -> ConnectionTransport.IOResult {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_WANT_WRITE:
            return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            return .endOfFile  // the peer's close_notify: answering with ours is still allowed
        default:
            broken = true
            ERR_clear_error()
            return .failed
        }
    }
}
