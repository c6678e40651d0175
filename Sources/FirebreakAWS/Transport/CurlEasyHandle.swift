import Foundation
import Synchronization
internal import CCurl

/// One curl easy handle. Not shared: a handle is used by one thread at a time, because it is either in the
/// pool (behind its `Mutex`) or checked out by exactly one `send`.
final class CurlEasyHandle: @unchecked Sendable {
    private let curl: UnsafeMutableRawPointer

    init?() {
        guard let curl = curl_easy_init() else { return nil }
        self.curl = curl
    }

    deinit { curl_easy_cleanup(curl) }

    /// Clears the options (and any pointers they hold) but keeps live connections and the TLS session cache.
    func reset() { curl_easy_reset(curl) }

    func perform(_ request: AWSHTTPRequest, timeouts: AWSTimeouts) throws(AWSError) -> AWSHTTPResponse {
        let sink = ResponseSink(limit: max(0, timeouts.maxResponseBytes))
        let target = CurlTransport.redacted(request.url)
        let method = request.method.uppercased()

        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            // "Name;" is curl's syntax for a header with an empty value.
            let line = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            headerList = curl_slist_append(headerList, line)
        }
        if request.header("content-type") == nil { headerList = curl_slist_append(headerList, "Content-Type:") }
        headerList = curl_slist_append(headerList, "Expect:")

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        // An empty body still needs a valid pointer, or curl would read the body from stdin.
        let body = request.body.isEmpty ? [0] : request.body
        let code: CURLcode = body.withUnsafeBytes { bodyBytes in
            errorBuffer.withUnsafeMutableBufferPointer { errorBytes in
                withExtendedLifetime(sink) {
                    var ok = true
                    func set(_ result: CURLcode) { if result != CURLE_OK { ok = false } }
                    set(ccurl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, errorBytes.baseAddress))
                    set(ccurl_setopt_string(curl, CURLOPT_URL, request.url.absoluteString))
                    if request.freshConnection { set(ccurl_setopt_long(curl, CURLOPT_FRESH_CONNECT, 1)) }
                    set(ccurl_setopt_string(curl, CURLOPT_PROTOCOLS_STR, "http,https"))
                    set(ccurl_setopt_long(curl, CURLOPT_NOSIGNAL, 1))
                    set(ccurl_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0))
                    set(ccurl_setopt_long(curl, CURLOPT_SSL_VERIFYPEER, 1))
                    set(ccurl_setopt_long(curl, CURLOPT_SSL_VERIFYHOST, 2))
                    set(ccurl_setopt_long(curl, CURLOPT_TCP_KEEPALIVE, 1))
                    set(ccurl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(timeouts.connect)))
                    set(ccurl_setopt_long(curl, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeouts.total)))
                    set(ccurl_setopt_off(curl, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(max(0, timeouts.maxResponseBytes))))
                    set(ccurl_setopt_pointer(curl, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList)))
                    if Self.isLocal(host: request.url.host(percentEncoded: false) ?? "") {
                        // Metadata and credential endpoints, and loopback: never through a proxy.
                        set(ccurl_setopt_string(curl, CURLOPT_NOPROXY, "*"))
                    }
                    if method == "GET" && request.body.isEmpty {
                        set(ccurl_setopt_long(curl, CURLOPT_HTTPGET, 1))
                    } else if method == "HEAD" {
                        set(ccurl_setopt_long(curl, CURLOPT_NOBODY, 1))
                    } else {
                        set(ccurl_setopt_long(curl, CURLOPT_POST, 1))
                        set(ccurl_setopt_off(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
                        set(ccurl_setopt_pointer(curl, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bodyBytes.baseAddress)))
                        if method != "POST" { set(ccurl_setopt_string(curl, CURLOPT_CUSTOMREQUEST, method)) }
                    }
                    let context = Unmanaged.passUnretained(sink).toOpaque()
                    set(ccurl_setopt_write_function(curl, CURLOPT_WRITEFUNCTION) { data, size, count, userdata in
                        let sink = Unmanaged<ResponseSink>.fromOpaque(userdata!).takeUnretainedValue()
                        return sink.appendBody(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
                    })
                    set(ccurl_setopt_pointer(curl, CURLOPT_WRITEDATA, context))
                    set(ccurl_setopt_write_function(curl, CURLOPT_HEADERFUNCTION) { data, size, count, userdata in
                        let sink = Unmanaged<ResponseSink>.fromOpaque(userdata!).takeUnretainedValue()
                        sink.headerLine(UnsafeRawBufferPointer(start: data, count: size * count))
                        return size * count
                    })
                    set(ccurl_setopt_pointer(curl, CURLOPT_HEADERDATA, context))
                    guard ok else { return CURLE_BAD_FUNCTION_ARGUMENT }
                    return curl_easy_perform(curl)
                }
            }
        }

        guard code == CURLE_OK else {
            if sink.exceeded || code == CURLE_FILESIZE_EXCEEDED {
                throw AWSError(.transport, message: "response from \(method) \(target) exceeds the \(timeouts.maxResponseBytes)-byte "
                               + "limit (AWSTimeouts.maxResponseBytes); transfer aborted")
            }
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let summary = String(cString: curl_easy_strerror(code))
            var message = "curl error \(code.rawValue) (\(summary))"
            if !detail.isEmpty { message += ": \(detail)" }
            if code == CURLE_OPERATION_TIMEDOUT {
                message += " [connect timeout \(timeouts.connect), total timeout \(timeouts.total)]"
            }
            var error = AWSError(.transport, message: message + " — \(method) \(target)")
            // Nothing of the request left this host: no connection, or the request line was never written.
            var sentBytes = 0
            _ = ccurl_getinfo_long(curl, CURLINFO_REQUEST_SIZE, &sentBytes)
            error.requestNotSent = sentBytes == 0
            throw error
        }
        var status = 0
        _ = ccurl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
        return AWSHTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// Loopback (`127.0.0.0/8`, `::1`, `localhost`), IPv4 link-local (`169.254.0.0/16`: IMDS, ECS) and the
    /// EC2 IPv6 metadata prefix `fd00:ec2::/64`.
    static func isLocal(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.") || host.hasPrefix("169.254.")
            || host.hasPrefix("fd00:ec2:")
    }

    /// At least 1 ms: 0 would mean "no timeout" to curl.
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1_000)
        if overflow { return Int.max }
        return max(1, Int(clamping: ms) &+ Int(attoseconds / 1_000_000_000_000_000))
    }
}

/// Collects one response: the body up to a limit, and the headers of the final response (those of interim
/// `1xx` responses are dropped). Only touched by the thread running `curl_easy_perform`.
private final class ResponseSink {
    let limit: Int
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var exceeded = false

    init(limit: Int) { self.limit = limit }

    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= limit else {
            exceeded = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    func headerLine(_ bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == 0x0a || bytes[end - 1] == 0x0d) { end -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new (final or interim) response begins
        } else if line.first == " " || line.first == "\t" {
            if !headers.isEmpty { headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces) }
        } else if let colon = line.firstIndex(of: ":") {
            headers.append((name: String(line[..<colon]),
                            value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
    }
}
