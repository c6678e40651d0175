/// A failed AWS call, typed so callers can decide: retry, give up, or treat as success (dry run).
/// Messages carry the AWS error code, message and request id; never a secret.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// RequestLimitExceeded, Throttling, HTTP 429: retried with backoff.
        case throttled
        /// AccessDenied, UnauthorizedOperation, AuthorizationError, AuthFailure, SignatureDoesNotMatch.
        case accessDenied
        /// The resource does not exist (InvalidInstanceID.NotFound, NotFound, ...).
        case notFound
        /// DryRunOperation: the call would have succeeded.
        case dryRunSucceeded
        /// The request was invalid (InvalidParameterValue, MissingParameter, ...).
        case invalidParameter
        /// HTTP 5xx or InternalError/Unavailable: retried.
        case server
        /// Connection, TLS, timeout or size-limit failure before a response: retried.
        case transport
        /// No credentials could be found, or a credential source failed.
        case credentials
        /// Another client error (4xx) with an AWS code: not retried.
        case client
    }

    public var kind: Kind
    /// The AWS error code (`InvalidInstanceID.NotFound`), when the service sent one.
    public var code: String?
    public var message: String
    public var requestID: String?
    /// The HTTP status, when a response arrived.
    public var status: Int?
    /// A transport failure before any byte of the request was sent (no connection, name not resolved, TLS
    /// handshake failed): AWS certainly did not see the call.
    public var requestNotSent = false

    public init(_ kind: Kind, code: String? = nil, message: String, requestID: String? = nil, status: Int? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.requestID = requestID
        self.status = status
    }

    /// Whether a retry may succeed.
    public var isRetryable: Bool { kind == .throttled || kind == .server || kind == .transport }

    /// Whether the client may send the call again by itself. A call that changes the account is repeated only
    /// when AWS certainly did not carry it out: throttling answered by AWS, or a request never sent. After a
    /// 5xx or a broken connection it may have been carried out: the caller re-checks the state instead.
    public func isRetryable(changesAccount: Bool) -> Bool {
        guard changesAccount else { return isRetryable }
        return kind == .throttled || (kind == .transport && requestNotSent)
    }

    public var description: String {
        var text = "AWS \(kind.rawValue)"
        if let code { text += " \(code)" }
        if let status { text += " (HTTP \(status))" }
        text += ": \(message)"
        if let requestID { text += " [request id \(requestID)]" }
        return text
    }
}
