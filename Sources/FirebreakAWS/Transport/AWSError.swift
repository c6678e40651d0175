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

    public init(_ kind: Kind, code: String? = nil, message: String, requestID: String? = nil, status: Int? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.requestID = requestID
        self.status = status
    }

    /// Whether a retry may succeed.
    public var isRetryable: Bool { kind == .throttled || kind == .server || kind == .transport }

    public var description: String {
        var text = "AWS \(kind.rawValue)"
        if let code { text += " \(code)" }
        if let status { text += " (HTTP \(status))" }
        text += ": \(message)"
        if let requestID { text += " [request id \(requestID)]" }
        return text
    }
}
