/// What is known of a request once its head is parsed: given to the error responder for errors after the headers.
public struct HTTPRequestHead: Sendable {
    public var method: String
    public var target: String
    public var path: String
    public var version: String
    public var headers: HTTPHeaders
    /// The body the head announces (set by the parser once the framing headers are checked).
    public var bodyLength: HTTPBodyLength = .none

    public init(method: String, target: String, version: String, headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.path = HTTPRequest.split(target: target).path
        self.version = version
        self.headers = headers
    }
}
