import Foundation

extension AWSError {
    /// The kind of a service error, from its AWS code first and its HTTP status second.
    ///
    /// - throttled: `RequestLimitExceeded`, `Throttling`, `ThrottlingException`, `Throttled`,
    ///   `ProvisionedThroughputExceededException` (DynamoDB), HTTP 429
    /// - accessDenied: `UnauthorizedOperation`, `AccessDenied[Exception]`, `AuthorizationError`, `AuthFailure`,
    ///   `SignatureDoesNotMatch`, `InvalidClientTokenId`, `UnrecognizedClientException`, HTTP 401/403
    /// - notFound: `NotFound`, `*.NotFound`, `*NotFoundException`, HTTP 404
    /// - dryRunSucceeded: `DryRunOperation`
    /// - invalidParameter: `InvalidParameter*`, `MissingParameter`, `ValidationError`, `ValidationException`
    /// - server: `InternalError`, `InternalFailure`, `Unavailable`, `ServiceUnavailable`, `IDPCommunicationError`
    ///   (STS), HTTP 5xx
    /// - client: any other status (4xx)
    public static func classify(code: String?, status: Int) -> Kind {
        if let code, let kind = kindsByCode[code] { return kind }
        if let code {
            if code.hasSuffix(".NotFound") || code.hasSuffix("NotFoundException") { return .notFound }
            if code.hasPrefix("InvalidParameter") { return .invalidParameter }
        }
        switch status {
        case 429: return .throttled
        case 401, 403: return .accessDenied
        case 404: return .notFound
        case 500...599: return .server
        default: return .client
        }
    }

    /// A service error classified by `classify(code:status:)`. The message is cut to 1,024 characters.
    init(serviceCode code: String?, message: String?, requestID: String?, status: Int) {
        var text = message?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if text.isEmpty { text = code ?? "HTTP \(status)" }
        if text.count > 1024 { text = String(text.prefix(1024)) + "…" }
        self.init(AWSError.classify(code: code, status: status), code: code, message: text,
                  requestID: requestID, status: status)
    }

    private static let kindsByCode: [String: Kind] = [
        "RequestLimitExceeded": .throttled, "Throttling": .throttled, "ThrottlingException": .throttled,
        "Throttled": .throttled, "TooManyRequestsException": .throttled, "RequestThrottled": .throttled,
        "RequestThrottledException": .throttled, "ProvisionedThroughputExceededException": .throttled,
        "UnauthorizedOperation": .accessDenied, "AccessDenied": .accessDenied,
        "AccessDeniedException": .accessDenied, "AuthorizationError": .accessDenied,
        "AuthFailure": .accessDenied, "SignatureDoesNotMatch": .accessDenied,
        "InvalidClientTokenId": .accessDenied, "UnrecognizedClientException": .accessDenied,
        "NotFound": .notFound,
        "DryRunOperation": .dryRunSucceeded,
        "MissingParameter": .invalidParameter, "ValidationError": .invalidParameter,
        "ValidationException": .invalidParameter,
        "InternalError": .server, "InternalFailure": .server, "Unavailable": .server,
        "ServiceUnavailable": .server,
        // STS could not reach the identity provider of a web identity token: worth a retry, as the SDKs do.
        "IDPCommunicationError": .server,
    ]
}
