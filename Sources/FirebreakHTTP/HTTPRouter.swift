/// Dispatches on exact path and method: unknown path → 404, known path with another method → 405 with `Allow`; HEAD uses the GET route.
public struct HTTPRouter: HTTPHandler {
    private var routes: [String: [String: any HTTPHandler]] = [:]

    public init() {}

    /// Routes `method` (case-sensitive, e.g. "POST") on exactly `path` (no query) to `handler`, replacing an earlier route.
    public mutating func route(_ method: String, _ path: String, to handler: any HTTPHandler) {
        routes[path, default: [:]][method] = handler
    }

    public mutating func route(_ method: String, _ path: String,
                               _ handler: @escaping @Sendable (HTTPRequest, @escaping HTTPResponder) -> Void) {
        route(method, path, to: ClosureHandler(body: handler))
    }

    public func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) {
        guard let methods = routes[request.path] else {
            respond(.text(404, "Not found\n"))
            return
        }
        if let handler = methods[request.method] ?? (request.method == "HEAD" ? methods["GET"] : nil) {
            handler.handle(request, respond: respond)
            return
        }
        var allowed = Set(methods.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        let allow = allowed.sorted().joined(separator: ", ")
        var response = HTTPResponse.text(405, "Method not allowed; allowed: \(allow)\n")
        response.headers["Allow"] = allow
        respond(response)
    }
}

private struct ClosureHandler: HTTPHandler {
    let body: @Sendable (HTTPRequest, @escaping HTTPResponder) -> Void

    func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) { body(request, respond) }
}
