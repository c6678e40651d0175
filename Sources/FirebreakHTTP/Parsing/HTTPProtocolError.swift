/// Why a request could not be read. The server answers with `status` (unless nothing arrived) and closes the connection.
public enum HTTPProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedRequestLine
    case malformedHeader
    /// The header section (or a chunked body's trailer section) exceeded `maxHeaderBytes`.
    case headerSectionTooLarge
    case tooManyHeaders
    case requestLineTooLong
    case bodyTooLarge(limit: Int)
    case unsupportedTransferEncoding
    case unsupportedVersion
    case invalidContentLength
    /// Both `Content-Length` and `Transfer-Encoding` were sent (a request smuggling vector).
    case conflictingBodyLength
    case invalidTransferEncoding
    /// An HTTP/1.1 request without exactly one valid `Host` header.
    case invalidHost
    case invalidChunk
    case headerTimeout
    case bodyTimeout
    /// A plain HTTP request arrived on a TLS listener.
    case plainHTTPOnTLSPort
    /// The request's body would pass the server's budget for bodies held in memory (`maxBufferedBodyBytes`).
    case bodyBudgetExhausted
    /// The body arrived slower than `minBodyBytesPerSecond`.
    case bodyTooSlow(minimum: Int)

    /// The status the server answers with.
    public var status: Int {
        switch self {
        case .malformedRequestLine, .malformedHeader, .invalidContentLength, .conflictingBodyLength,
             .invalidTransferEncoding, .invalidHost, .invalidChunk, .plainHTTPOnTLSPort: 400
        case .headerSectionTooLarge, .tooManyHeaders: 431
        case .requestLineTooLong: 414
        case .bodyTooLarge: 413
        case .unsupportedTransferEncoding: 501
        case .unsupportedVersion: 505
        case .headerTimeout, .bodyTimeout, .bodyTooSlow: 408
        case .bodyBudgetExhausted: 503
        }
    }

    /// A sentence for the client saying what was wrong and what to change.
    public var message: String {
        switch self {
        case .malformedRequestLine:
            "Malformed request line: expected 'METHOD SP request-target SP HTTP/1.1' ending in CRLF."
        case .malformedHeader:
            "Malformed header field: expected 'name: value' lines ending in CRLF, a token name with no space before the colon, no line folding and no control characters."
        case .headerSectionTooLarge:
            "Header section too large: send fewer or shorter header fields."
        case .tooManyHeaders:
            "Too many header fields: send fewer."
        case .requestLineTooLong:
            "Request line too long: shorten the request target (path and query)."
        case .bodyTooLarge(let limit):
            "Request body too large: send at most \(limit) bytes."
        case .unsupportedTransferEncoding:
            "Unsupported Transfer-Encoding: only 'chunked' is accepted."
        case .unsupportedVersion:
            "Unsupported HTTP version: use HTTP/1.1 or HTTP/1.0."
        case .invalidContentLength:
            "Invalid Content-Length: it must be one decimal number (repeated values must be identical)."
        case .conflictingBodyLength:
            "Both Content-Length and Transfer-Encoding were sent: send only one."
        case .invalidTransferEncoding:
            "Invalid Transfer-Encoding: send 'chunked' exactly once, as the final coding."
        case .invalidHost:
            "HTTP/1.1 requests need exactly one valid Host header."
        case .invalidChunk:
            "Malformed chunked body: expected hexadecimal chunk sizes with CRLF after each size line and chunk."
        case .headerTimeout:
            "Request headers took too long to arrive: send the whole header section promptly."
        case .bodyTimeout:
            "Request body took too long to arrive: send the whole body promptly."
        case .plainHTTPOnTLSPort:
            "This port speaks HTTPS (TLS): use an https:// URL."
        case .bodyBudgetExhausted:
            "The server holds as many request bodies as it may: retry later."
        case .bodyTooSlow(let minimum):
            "Request body arrived too slowly: send at least \(minimum) bytes per second."
        }
    }

    public var description: String { "\(status): \(message)" }
}
