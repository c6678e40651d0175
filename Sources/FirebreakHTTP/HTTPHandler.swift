/// Delivers the response for one request. Calls after the first are ignored.
public typealias HTTPResponder = @Sendable (HTTPResponse) -> Void

/// Answers requests.
public protocol HTTPHandler: Sendable {
    /// Called on a server queue; call `respond` exactly once, from any thread, any time later.
    func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder)
}
