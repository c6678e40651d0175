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

        init(_ configuration: HTTPServerConfiguration) {
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

    private enum Phase: Equatable {
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
    private var buffer: [UInt8] = []
    /// Index of the first unconsumed byte in `buffer`.
    private var start = 0
    /// Where the search for the next LF resumes (everything in `start..<scan` has no LF).
    private var scan = 0
    private var phase: Phase = .requestLine
    private var failure: HTTPProtocolError?

    private var method = ""
    private var target = ""
    private var version = ""
    private var headers = HTTPHeaders()
    private var sectionBytes = 0
    private var sectionCount = 0
    private var emptyLinesSkipped = 0
    private var keepAlive = true
    private var body: [UInt8] = []

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

    /// Moves up to `remaining` buffered bytes into the body; returns how many are still to come.
    private mutating func takeBody(upTo remaining: Int) -> Int {
        let take = min(remaining, bufferedByteCount)
        if take > 0 {
            body.append(contentsOf: buffer[start..<start + take])
            start += take
            scan = start
        }
        return remaining - take
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

    // MARK: Lines

    /// A header or trailer line, charged against the section's byte and count limits.
    private mutating func readSectionLine() throws(HTTPProtocolError) -> ArraySlice<UInt8>? {
        let budget = limits.maxHeaderBytes - sectionBytes
        guard let line = try readLine(limit: max(budget - 2, 0), tooLong: .headerSectionTooLarge) else { return nil }
        sectionBytes += line.count + 2
        guard sectionBytes <= limits.maxHeaderBytes else { throw .headerSectionTooLarge }
        if !line.isEmpty {
            sectionCount += 1
            guard sectionCount <= limits.maxHeaderCount else { throw .tooManyHeaders }
        }
        return line
    }

    /// The next CRLF-terminated line without its CRLF, or nil if none is complete yet.
    /// Throws `tooLong` as soon as the line cannot fit in `limit` bytes, and rejects bare LF and bare CR.
    private mutating func readLine(limit: Int, tooLong: HTTPProtocolError) throws(HTTPProtocolError) -> ArraySlice<UInt8>? {
        var index = max(scan, start)
        let end = buffer.count
        while index < end && buffer[index] != LF { index += 1 }
        guard index < end else {
            scan = end
            // A line of `limit` bytes plus CR may be pending; anything longer can never fit.
            if end - start > limit + 1 { throw tooLong }
            return nil
        }
        guard index > start && buffer[index - 1] == CR else {
            switch phase {  // bare LF
            case .requestLine: throw .malformedRequestLine
            case .chunkSize: throw .invalidChunk
            default: throw .malformedHeader
            }
        }
        let line = buffer[start..<index - 1]
        guard line.count <= limit else { throw tooLong }
        start = index + 1
        scan = start
        return line
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 256 * 1024)
            scan = 0
            start = 0
        } else if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            scan -= start
            start = 0
        }
    }

    // MARK: Request line and fields

    private mutating func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPProtocolError) {
        guard let firstSpace = line.firstIndex(of: SP) else { throw .malformedRequestLine }
        let methodBytes = line[line.startIndex..<firstSpace]
        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: SP) else { throw .malformedRequestLine }
        let targetBytes = rest[rest.startIndex..<secondSpace]
        let versionBytes = rest[(secondSpace + 1)...]

        guard !methodBytes.isEmpty, methodBytes.allSatisfy(isTokenByte) else { throw .malformedRequestLine }
        // Visible ASCII only: no spaces, controls or raw non-ASCII in the target.
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .malformedRequestLine
        }
        // HTTP-version = "HTTP/" DIGIT "." DIGIT
        let v = Array(versionBytes)
        guard v.count == 8, v[0] == 0x48, v[1] == 0x54, v[2] == 0x54, v[3] == 0x50, v[4] == 0x2F,
              isDigit(v[5]), v[6] == 0x2E, isDigit(v[7]) else { throw .malformedRequestLine }
        guard v[5] == 0x31, v[7] == 0x30 || v[7] == 0x31 else { throw .unsupportedVersion }

        method = String(decoding: methodBytes, as: UTF8.self)
        target = String(decoding: targetBytes, as: UTF8.self)
        version = String(decoding: versionBytes, as: UTF8.self)
    }

    private func parseField(_ line: ArraySlice<UInt8>) throws(HTTPProtocolError) -> (String, String) {
        // A leading space or tab is obs-fold (or garbage): rejected (RFC 9112 §5.2).
        guard let colon = line.firstIndex(of: COLON), colon > line.startIndex else { throw .malformedHeader }
        let nameBytes = line[line.startIndex..<colon]
        // Whitespace before the colon fails the token check (RFC 9112 §5.1).
        guard nameBytes.allSatisfy(isTokenByte) else { throw .malformedHeader }
        var valueBytes = line[(colon + 1)...]
        while let first = valueBytes.first, first == SP || first == HTAB { valueBytes.removeFirst() }
        while let last = valueBytes.last, last == SP || last == HTAB { valueBytes.removeLast() }
        // field-vchar / SP / HTAB; obs-text (0x80-0xFF) allowed, controls (NUL, CR, LF, ...) and DEL rejected.
        guard valueBytes.allSatisfy({ $0 == HTAB || ($0 >= 0x20 && $0 != 0x7F) }) else { throw .malformedHeader }
        return (String(decoding: nameBytes, as: UTF8.self), String(decoding: valueBytes, as: UTF8.self))
    }

    /// Validates framing headers and decides the body length. Returns whether the client expects `100 Continue`.
    private mutating func finishHead() throws(HTTPProtocolError) -> (HTTPRequestHead, Bool) {
        let head = HTTPRequestHead(method: method, target: target, version: version, headers: headers)
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

        // RFC 9110 §10.1.1: ignore 100-continue from HTTP/1.0 clients.
        let expect = headers.tokens("Expect")
        return (head, isHTTP11 && bodyExpected && expect.contains("100-continue"))
    }

    /// One decimal value; repeated fields or list elements must all be identical (RFC 9110 §8.6).
    private func parseContentLength(_ fields: [String]) throws(HTTPProtocolError) -> Int {
        var result: Int?
        for field in fields {
            for element in field.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = element.trimmingHTTPWhitespace().utf8
                guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(isDigit) else { throw .invalidContentLength }
                var value = 0
                for d in digits { value = value * 10 + Int(d - 0x30) }  // ≤ 18 digits: cannot overflow Int64
                if let result, result != value { throw .invalidContentLength }
                result = value
            }
        }
        guard let result else { throw .invalidContentLength }
        return result
    }

    /// chunk-size [ BWS ";" chunk-ext ] — extensions are checked for control bytes, then ignored.
    private func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTPProtocolError) -> Int {
        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let nibble = hexValue(line[index]) {
            digits += 1
            guard digits <= 15 else { throw .invalidChunk }  // 15 hex digits < 2^60: no overflow
            size = size << 4 | nibble
            index += 1
        }
        guard digits > 0 else { throw .invalidChunk }
        while index < line.endIndex, line[index] == SP || line[index] == HTAB { index += 1 }
        if index < line.endIndex {
            guard line[index] == SEMICOLON,
                  line[index...].allSatisfy({ $0 == HTAB || ($0 >= 0x20 && $0 != 0x7F) }) else { throw .invalidChunk }
        }
        return size
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

private let CR: UInt8 = 0x0D
private let LF: UInt8 = 0x0A
private let SP: UInt8 = 0x20
private let HTAB: UInt8 = 0x09
private let COLON: UInt8 = 0x3A
private let SEMICOLON: UInt8 = 0x3B

@inline(__always)
private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

private func hexValue(_ byte: UInt8) -> Int? {
    switch byte {
    case 0x30...0x39: Int(byte - 0x30)
    case 0x41...0x46: Int(byte - 0x41 + 10)
    case 0x61...0x66: Int(byte - 0x61 + 10)
    default: nil
    }
}

/// tchar (RFC 9110 §5.6.2).
private func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
    case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
    default: false
    }
}
