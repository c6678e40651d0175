/// Delivers the response for one request. Calls after the first are ignored.
public typealias HTTPResponder = @Sendable (HTTPResponse) -> Void

/// Answers requests.
public protocol HTTPHandler: Sendable {
    /// Called on a server queue; call `respond` exactly once, from any thread, any time later.
    func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder)

    /// Called once the head is parsed, before any of the body is read (or `100 Continue` sent).
    /// A response returned here is sent instead of reading the body, and the connection closes; use it
    /// to refuse unauthenticated or misrouted requests before buffering what they send. Must be quick.
    func screen(_ head: HTTPRequestHead) -> HTTPResponse?
}

extension HTTPHandler {
    public func screen(_ head: HTTPRequestHead) -> HTTPResponse? { nil }
}
