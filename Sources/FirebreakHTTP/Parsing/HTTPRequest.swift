/// A complete request, body de-chunked.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request-target as sent, e.g. `/firehose?x=1`.
    public var target: String
    /// `target` without the query (for absolute-form targets, without scheme and authority too).
    public var path: String
    public var query: String?
    public var version: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The peer, e.g. `127.0.0.1:53122` or `[::1]:53122`.
    public var remoteAddress: String

    public init(method: String, target: String, version: String = "HTTP/1.1", headers: HTTPHeaders = [:],
                body: [UInt8] = [], remoteAddress: String = "") {
        self.method = method
        self.target = target
        (self.path, self.query) = HTTPRequest.split(target: target)
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// Splits a request-target into path and query. Absolute-form (`http://host/p?q`) yields `/p`.
    static func split(target: String) -> (path: String, query: String?) {
        var rest = Substring(target)
        if !rest.hasPrefix("/"), let schemeEnd = rest.firstRange(of: "://") {
            let afterScheme = rest[schemeEnd.upperBound...]
            if let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                rest = afterScheme[slash...]
                if rest.hasPrefix("?") { return ("/", String(rest.dropFirst())) }
            } else {
                return ("/", nil)
            }
        }
        if let mark = rest.firstIndex(of: "?") {
            return (String(rest[..<mark]), String(rest[rest.index(after: mark)...]))
        }
        return (String(rest), nil)
    }
}
