import Foundation
import Synchronization
internal import CCurl

/// `AWSTransport` over libcurl: blocking, thread-safe, with a bounded pool of reusable easy handles so
/// connections (keep-alive) and TLS sessions are reused across requests.
///
/// Every exchange: no signals (`CURLOPT_NOSIGNAL`), no redirects followed, TLS peer and host verified,
/// only `http` and `https`, connect and total timeouts and a response-body cap from `AWSTimeouts`. curl's
/// `Content-Type` (for bodies) and `Expect: 100-continue` defaults are suppressed, so what is sent is what was
/// signed. Proxies follow curl's usual environment variables (`https_proxy`, `no_proxy`), except for loopback and
/// link-local hosts (instance metadata, container credentials), which are always reached directly.
public final class CurlTransport: AWSTransport {
    /// At most this many idle handles (each with its open connections) are kept between requests.
    public let maxIdleHandles: Int
    private let idle = Mutex<[CurlEasyHandle]>([])

    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    public init(maxIdleHandles: Int = 8) {
        precondition(Self.globalInit, "curl_global_init failed")
        self.maxIdleHandles = max(0, maxIdleHandles)
    }

    /// Idle handles in the pool (for tests and metrics).
    public var idleHandleCount: Int { idle.withLock { $0.count } }

    public func send(_ request: AWSHTTPRequest, timeouts: AWSTimeouts) throws(AWSError) -> AWSHTTPResponse {
        try Self.validate(request)
        let handle = try checkOut()
        // On failure the handle is not pooled: its connection may be half-used (timeout, aborted body), and
        // releasing the handle closes it.
        let response = try handle.perform(request, timeouts: timeouts)
        checkIn(handle)
        return response
    }

    private func checkOut() throws(AWSError) -> CurlEasyHandle {
        if let pooled = idle.withLock({ $0.popLast() }) { return pooled }
        guard let fresh = CurlEasyHandle() else {
            throw AWSError(.transport, message: "curl_easy_init failed (out of memory?)")
        }
        return fresh
    }

    private func checkIn(_ handle: CurlEasyHandle) {
        handle.reset()
        let surplus: CurlEasyHandle? = idle.withLock { pool in
            guard pool.count < maxIdleHandles else { return handle }
            pool.append(handle)
            return nil
        }
        _ = surplus  // released (and cleaned up) outside the lock
    }

    /// Refuses requests curl would send wrongly or that could inject headers.
    static func validate(_ request: AWSHTTPRequest) throws(AWSError) {
        let scheme = request.url.scheme?.lowercased()
        guard scheme == "http" || scheme == "https", request.url.host(percentEncoded: true)?.isEmpty == false else {
            throw AWSError(.client, message: "cannot send to \(redacted(request.url)): only absolute http(s) URLs are supported")
        }
        guard !request.method.isEmpty, request.method.utf8.allSatisfy({ isTokenByte($0) }) else {
            throw AWSError(.client, message: "invalid HTTP method \"\(request.method)\"")
        }
        for header in request.headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy({ isTokenByte($0) }) else {
                throw AWSError(.client, message: "invalid header name \"\(header.name)\"")
            }
            // The value is not echoed: it may be a token.
            guard !header.value.utf8.contains(where: { $0 == 0x0d || $0 == 0x0a || $0 == 0 }) else {
                throw AWSError(.client, message: "header \(header.name) contains a line break or NUL; refusing to send it")
            }
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// `scheme://host[:port]/path` without user info or query, for error messages.
    static func redacted(_ url: URL) -> String {
        var text = "\(url.scheme ?? "?")://\(url.host(percentEncoded: true) ?? "")"
        if let port = url.port { text += ":\(port)" }
        return text + url.path(percentEncoded: true)
    }
}
