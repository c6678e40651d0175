/// Incremental HTTP/1.1 request parser (RFC 9112): feed bytes with `append`, pull events with `next()`.
///
/// Strict: lines end in CRLF; obs-fold, invalid tokens, whitespace before a colon and control bytes are
/// rejected. Every buffer is bounded by the limits: the unparsed buffer by the request line and header
/// limits while a head is read, the body by `maxBodyBytes`. After a request is returned the caller may keep
/// appending (pipelining); it should stop reading once `bufferedByteCount` reaches `pipelineBufferLimit`.
struct HTTPRequestParser {
    struct Limits: Sendable {
        var maxRequestLineBytes: Int
        var maxHeaderBytes: Int
        var maxHeaderCount: Int
        var maxBodyBytes: Int
        /// Bound on a chunk-size line (size plus ignored extensions).
        var maxChunkLineBytes: Int = 4_096

        init(maxRequestLineBytes: Int = 8_192, maxHeaderBytes: Int = 65_536, maxHeaderCount: Int = 100,
             maxBodyBytes: Int = 64 << 20) {
            self.maxRequestLineBytes = maxRequestLineBytes
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
        }

        init(_ configuration: HTTPServer.Configuration) {
            self.init(maxRequestLineBytes: configuration.maxRequestLineBytes,
                      maxHeaderBytes: configuration.maxHeaderBytes,
                      maxHeaderCount: configuration.maxHeaderCount,
                      maxBodyBytes: configuration.maxBodyBytes)
        }
    }

    enum Event {
        /// The head is complete. `expectsContinue`: the client waits for `100 Continue` before sending its body.
        case head(HTTPRequestHead, expectsContinue: Bool)
        /// The request is complete. `keepAlive`: the client allows another request on this connection.
        case request(HTTPRequest, keepAlive: Bool)
    }

    enum Phase: Equatable {
        case requestLine
        case headers
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case complete
    }

    let limits: Limits
    var buffer: [UInt8] = []
    /// Index of the first unconsumed byte in `buffer`.
    var start = 0
    /// Where the search for the next LF resumes (everything in `start..<scan` has no LF).
    var scan = 0
    var phase: Phase = .requestLine
    private var failure: HTTPProtocolError?

    var method = ""
    var target = ""
    var version = ""
    var headers = HTTPHeaders()
    var sectionBytes = 0
    var sectionCount = 0
    private var emptyLinesSkipped = 0
    private var keepAlive = true
    var body: [UInt8] = []

    /// The head of the request being read, once its headers are parsed (for error responses).
    private(set) var currentHead: HTTPRequestHead?

    init(limits: Limits) {
        self.limits = limits
    }

    /// Bytes received but not yet parsed.
    var bufferedByteCount: Int { buffer.count - start }

    /// How many unparsed bytes a caller may hold while a request is being handled.
    var pipelineBufferLimit: Int { limits.maxRequestLineBytes + limits.maxHeaderBytes + 4 }

    /// True when part of a request (even one byte) has arrived and it is not yet returned.
    var hasPartialRequest: Bool { phase != .requestLine || bufferedByteCount > 0 }

    /// True while the head is complete and the body is still being read.
    var isReadingBody: Bool {
        switch phase {
        case .fixedBody, .chunkSize, .chunkData, .chunkDataEnd, .trailers: true
        case .requestLine, .headers, .complete: false
        }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next event, nil when more bytes are needed. After an error every call throws it again.
    mutating func next() throws(HTTPProtocolError) -> Event? {
        if let failure { throw failure }
        do {
            return try step()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func step() throws(HTTPProtocolError) -> Event? {
        while true {
            switch phase {
            case .requestLine:
                guard let line = try readLine(limit: limits.maxRequestLineBytes, tooLong: .requestLineTooLong) else {
                    return nil
                }
                if line.isEmpty {
                    // RFC 9112 §2.2: ignore at least one empty line before a request line.
                    emptyLinesSkipped += 1
                    guard emptyLinesSkipped <= 4 else { throw .malformedRequestLine }
                    continue
                }
                try parseRequestLine(line)
                phase = .headers
                sectionBytes = 0
                sectionCount = 0

            case .headers:
                guard let line = try readSectionLine() else { return nil }
                if line.isEmpty {
                    let (head, expectsContinue) = try finishHead()
                    return .head(head, expectsContinue: expectsContinue)
                }
                let (name, value) = try parseField(line)
                headers.add(name, value)

            case .fixedBody(let remaining):
                let left = takeBody(upTo: remaining)
                guard left == 0 else {
                    phase = .fixedBody(remaining: left)
                    return nil
                }
                phase = .complete

            case .chunkSize:
                guard let line = try readLine(limit: limits.maxChunkLineBytes, tooLong: .invalidChunk) else {
                    return nil
                }
                let size = try parseChunkSize(line)
                if size == 0 {
                    phase = .trailers
                    sectionBytes = 0
                    sectionCount = 0
                } else {
                    guard size <= limits.maxBodyBytes - body.count else {
                        throw .bodyTooLarge(limit: limits.maxBodyBytes)
                    }
                    phase = .chunkData(remaining: size)
                }

            case .chunkData(let remaining):
                let left = takeBody(upTo: remaining)
                guard left == 0 else {
                    phase = .chunkData(remaining: left)
                    return nil
                }
                phase = .chunkDataEnd

            case .chunkDataEnd:
                guard bufferedByteCount >= 2 else {
                    if bufferedByteCount == 1 && buffer[start] != CR { throw .invalidChunk }
                    return nil
                }
                guard buffer[start] == CR && buffer[start + 1] == LF else { throw .invalidChunk }
                start += 2
                scan = start
                phase = .chunkSize

            case .trailers:
                guard let line = try readSectionLine() else { return nil }
                if line.isEmpty {
                    phase = .complete
                } else {
                    _ = try parseField(line)  // validated, then discarded
                }

            case .complete:
                let request = HTTPRequest(method: method, target: target, version: version, headers: headers, body: body)
                let requestKeepAlive = keepAlive
                resetForNextRequest()
                return .request(request, keepAlive: requestKeepAlive)
            }
        }
    }

    /// Validates framing headers and decides the body length. Returns whether the client expects `100 Continue`.
    private mutating func finishHead() throws(HTTPProtocolError) -> (HTTPRequestHead, Bool) {
        var head = HTTPRequestHead(method: method, target: target, version: version, headers: headers)
        currentHead = head
        let isHTTP11 = version == "HTTP/1.1"

        if isHTTP11 {
            let hosts = headers.values("Host")
            guard hosts.count == 1, hosts[0].utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x2F }) else {
                throw .invalidHost
            }
        } else if headers.values("Host").count > 1 {
            throw .invalidHost
        }

        let connection = headers.tokens("Connection")
        keepAlive = isHTTP11 ? !connection.contains("close")
                             : connection.contains("keep-alive") && !connection.contains("close")

        let transferEncodings = headers.values("Transfer-Encoding")
        let contentLengths = headers.values("Content-Length")
        var bodyExpected = false

        if !transferEncodings.isEmpty {
            guard contentLengths.isEmpty else { throw .conflictingBodyLength }
            let codings = headers.tokens("Transfer-Encoding")
            guard codings.allSatisfy({ $0 == "chunked" }) else { throw .unsupportedTransferEncoding }
            guard codings.count == 1, isHTTP11 else { throw .invalidTransferEncoding }
            phase = .chunkSize
            bodyExpected = true
        } else if !contentLengths.isEmpty {
            let length = try parseContentLength(contentLengths)
            guard length <= limits.maxBodyBytes else { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
            if length > 0 {
                body.reserveCapacity(min(length, 64 * 1024))
                phase = .fixedBody(remaining: length)
                bodyExpected = true
            } else {
                phase = .complete
            }
        } else {
            phase = .complete
        }

        switch phase {
        case .chunkSize: head.bodyLength = .chunked
        case .fixedBody(let remaining): head.bodyLength = .fixed(remaining)
        default: head.bodyLength = .none
        }
        currentHead = head

        // RFC 9110 §10.1.1: ignore 100-continue from HTTP/1.0 clients.
        let expect = headers.tokens("Expect")
        return (head, isHTTP11 && bodyExpected && expect.contains("100-continue"))
    }

    private mutating func resetForNextRequest() {
        phase = .requestLine
        method = ""
        target = ""
        version = ""
        headers = HTTPHeaders()
        body = []
        currentHead = nil
        keepAlive = true
        emptyLinesSkipped = 0
        sectionBytes = 0
        sectionCount = 0
    }
}
