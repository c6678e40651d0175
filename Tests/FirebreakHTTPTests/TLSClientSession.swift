import COpenSSL
import Glibc

/// A blocking OpenSSL client session over a connected socket, for tests (the server's peer).
final class TLSClientSession {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let context: OpaquePointer
    private let ssl: OpaquePointer
    /// The server's close_notify arrived (a clean TLS close, not just a TCP one).
    private(set) var sawCloseNotify = false

    /// Connects TLS on `fd`, verifying the server against `caFile` for `host`; throws when the handshake fails.
    init(fd: Int32, caFile: String, host: String = "localhost", minVersion: Int32 = TLS1_2_VERSION,
         maxVersion: Int32 = TLS1_3_VERSION, alpn: [String] = ["http/1.1"]) throws {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw Failure(description: "SSL_CTX_new") }
        self.context = context
        _ = firebreak_SSL_CTX_set_min_proto_version(context, minVersion)
        _ = firebreak_SSL_CTX_set_max_proto_version(context, maxVersion)
        guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
            SSL_CTX_free(context)
            throw Failure(description: "cannot load \(caFile)")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw Failure(description: "SSL_new")
        }
        self.ssl = ssl
        _ = SSL_set1_host(ssl, host)
        _ = firebreak_SSL_set_tlsext_host_name(ssl, host)
        if !alpn.isEmpty {
            var wire: [UInt8] = []
            for name in alpn { wire.append(UInt8(name.utf8.count)); wire.append(contentsOf: name.utf8) }
            _ = SSL_set_alpn_protos(ssl, wire, UInt32(wire.count))
        }
        SSL_set_fd(ssl, fd)
        ERR_clear_error()
        guard SSL_connect(ssl) == 1 else {
            throw Failure(description: "handshake failed: \(Self.errors()) (verify: \(SSL_get_verify_result(ssl)))")
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// `TLSv1.2` or `TLSv1.3`.
    var version: String { String(cString: SSL_get_version(ssl)) }

    /// The protocol the server selected with ALPN, if any.
    var alpn: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// The subject of the certificate the server sent, e.g. `/CN=localhost`.
    var peerSubject: String? {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        var buffer = [CChar](repeating: 0, count: 256)
        X509_NAME_oneline(X509_get_subject_name(certificate), &buffer, Int32(buffer.count))
        return Self.text(buffer)
    }

    var pending: Int { Int(SSL_pending(ssl)) }

    /// Sends everything; false on error.
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            let n = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + offset, Int32($0.count - offset)) }
            guard n > 0 else { return false }
            offset += Int(n)
        }
        return true
    }

    /// Bytes read (> 0), 0 at the end of the stream, -1 on error (a reset), -2 on the socket's read timeout.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        ERR_clear_error()
        let n = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
        if n > 0 { return Int(n) }
        switch SSL_get_error(ssl, n) {
        case SSL_ERROR_ZERO_RETURN:
            sawCloseNotify = true
            return 0
        case SSL_ERROR_SYSCALL where errno == 0:
            return 0
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return -2
        default:
            return -1
        }
    }

    private static func text(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func errors() -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(text(buffer))
        }
        return messages.joined(separator: "; ")
    }
}
