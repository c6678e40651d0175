import Foundation

/// An HTTP request to an AWS endpoint, before or after signing.
public struct AWSHTTPRequest: Sendable {
    public var method: String
    public var url: URL
    /// In order; names as sent. The signer adds `X-Amz-Date`, `Authorization` and, with a session
    /// token, `X-Amz-Security-Token`.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Send on a new connection, never a kept-alive one: libcurl silently sends a request again when a reused
    /// connection closes before any answer byte, which for a call that changes the account could do it twice.
    public var freshConnection = false

    public init(method: String, url: URL, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
