import Foundation
import Dispatch
import Glibc
import Synchronization
import COpenSSL
@testable import FirebreakHTTP

/// A tiny blocking HTTP client for tests: raw socket, every wait bounded by poll timeouts.
final class TestClient {
    struct Response {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    enum Failure: Error { case socket(Int32), connect(Int32) }

    let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var sawEndOfFile = false
    /// Set by `startTLS`: from then on the client speaks TLS.
    private(set) var tls: TLSClientSession?

    /// Connects to 127.0.0.1 (or ::1) on `port`.
    init(port: UInt16, ipv6: Bool = false) throws {
        fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure.socket(errno) }
        var result: Int32
        if ipv6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = port.bigEndian
            _ = inet_pton(AF_INET6, "::1", &addr.sin6_addr)
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = port.bigEndian
            _ = inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            let e = errno
            close(fd)
            throw Failure.connect(e)
        }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        tls = nil
        close(fd)
    }

    /// Starts TLS on the connection (blocking, every read bounded by a 5 s socket timeout).
    func startTLS(caFile: String, minVersion: Int32 = TLS1_2_VERSION, maxVersion: Int32 = TLS1_3_VERSION,
                  alpn: [String] = ["http/1.1"]) throws {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        tls = try TLSClientSession(fd: fd, caFile: caFile, minVersion: minVersion, maxVersion: maxVersion, alpn: alpn)
    }

    /// Makes the close on deinit a reset (SO_LINGER 0) instead of an orderly end of file.
    func resetOnClose() {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    /// Shuts both directions down (the server sees end of file); the descriptor is closed on deinit.
    func hangUp() { _ = shutdown(fd, Int32(SHUT_RDWR)) }

    /// Sends everything (blocking); false if the server closed or reset the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        if let tls { return tls.write(bytes) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// The next response (an interim 1xx one included), nil on end of file, reset or timeout.
    func readResponse(timeout: Duration = .seconds(5)) -> Response? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let response = takeResponse() { return response }
            guard fill(until: deadline) else { return nil }
        }
    }

    /// True if the server closes (or resets) the connection within `timeout`; bytes read meanwhile are kept.
    func waitForClose(timeout: Duration = .seconds(5)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !sawEndOfFile {
            guard fill(until: deadline) else { return sawEndOfFile }
        }
        return true
    }

    /// Bytes received and not yet parsed as a response.
    var pending: [UInt8] { buffer }

    /// Reads once; false on timeout or end of file.
    private func fill(until deadline: ContinuousClock.Instant) -> Bool {
        guard !sawEndOfFile else { return false }
        if let tls, tls.pending > 0 { return readTLS(tls) }
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { return false }
        let ms = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, ms)
        if ready < 0 && errno == EINTR { return true }
        guard ready > 0 else { return false }
        if let tls { return readTLS(tls) }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 {
            sawEndOfFile = true  // EOF or ECONNRESET
            return false
        }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    private func readTLS(_ tls: TLSClientSession) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { tls.read(into: $0) }
        if n == -2 { return false }  // timed out
        if n <= 0 {
            sawEndOfFile = true
            return false
        }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    private func takeResponse() -> Response? {
        guard let end = findHeaderEnd() else { return nil }
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers: [(name: String, value: String)] = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let response = Response(status: status, headers: headers, body: [])
        var length = 0
        if status >= 200, let cl = response.header("Content-Length"), let n = Int(cl) { length = n }
        if isHeadResponsePending { length = 0 }
        guard buffer.count >= end + 4 + length else { return nil }
        var complete = response
        complete.body = Array(buffer[(end + 4)..<(end + 4 + length)])
        buffer.removeFirst(end + 4 + length)
        return complete
    }

    /// Set before reading the answer to a HEAD request (it has Content-Length but no body).
    var isHeadResponsePending = false

    private func findHeaderEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }
}


/// A handler for server tests: `/slow?ms=N` answers after N ms, `/never` never answers, `/echo` echoes the body.
final class TestHandler: HTTPHandler {
    let seen = Mutex<[String]>([])

    func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) {
        seen.withLock { $0.append(request.target) }
        switch request.path {
        case "/never":
            return
        case "/slow":
            let ms = Int(request.query?.split(separator: "=").last ?? "") ?? 200
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(ms)) {
                respond(.text(200, "slow \(request.target)"))
            }
        case "/echo":
            var response = HTTPResponse(status: 200, body: request.body)
            response.headers["X-Method"] = request.method
            response.headers["X-Remote"] = request.remoteAddress
            respond(response)
        case "/close":
            var response = HTTPResponse.text(200, "bye")
            response.headers["Connection"] = "close"
            respond(response)
        default:
            respond(.text(200, "\(request.method) \(request.target)"))
        }
    }
}

/// Starts a server on an ephemeral loopback port, runs `body`, then shuts it down.
func withServer(_ configure: (inout HTTPServer.Configuration) -> Void = { _ in },
                handler: any HTTPHandler = TestHandler(),
                _ body: (HTTPServer, UInt16) throws -> Void) throws {
    var configuration = HTTPServer.Configuration(listen: [HTTPListenAddress(host: "127.0.0.1", port: 0)])
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    defer {
        let done = DispatchSemaphore(value: 0)
        server.shutdown(drainTimeout: .milliseconds(200)) { _ in done.signal() }
        _ = done.wait(timeout: .now() + 5)
    }
    try body(server, server.boundAddresses[0].port)
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(3), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

func get(_ target: String, _ extra: String = "") -> String {
    "GET \(target) HTTP/1.1\r\nHost: test\r\n\(extra)\r\n"
}
