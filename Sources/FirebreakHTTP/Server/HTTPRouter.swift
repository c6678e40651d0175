/// Dispatches on exact path and method: unknown path → 404, known path with another method → 405 with `Allow`; HEAD uses the GET route.
/// Every route declares the body it accepts (`HTTPBodyPolicy`); a request announcing another is refused from its head.
public struct HTTPRouter: HTTPHandler {
    private struct Route {
        var handler: any HTTPHandler
        var body: HTTPBodyPolicy
    }

    private var routes: [String: [String: Route]] = [:]

    public init() {}

    /// A route registered as `/prefix/*` serves every path below `/prefix/` (one or more further characters).
    private func prefixRoute(_ path: String) -> [String: Route]? {
        var best: (length: Int, methods: [String: Route])?
        for (pattern, methods) in routes where pattern.hasSuffix("/*") {
            let prefix = String(pattern.dropLast())
            if path.hasPrefix(prefix), path.count > prefix.count, prefix.count > (best?.length ?? -1) {
                best = (prefix.count, methods)
            }
        }
        return best?.methods
    }

    /// Routes `method` (case-sensitive, e.g. "POST") on exactly `path` (no query) to `handler`, replacing an earlier
    /// route; a path ending in `/*` matches everything below it. `body` defaults to none for GET, HEAD and the
    /// other methods without a body, and to any size the server allows for POST, PUT and PATCH.
    public mutating func route(_ method: String, _ path: String, body: HTTPBodyPolicy? = nil, to handler: any HTTPHandler) {
        routes[path, default: [:]][method] = Route(handler: handler, body: body ?? .default(for: method))
    }

    public mutating func route(_ method: String, _ path: String, body: HTTPBodyPolicy? = nil,
                               _ handler: @escaping @Sendable (HTTPRequest, @escaping HTTPResponder) -> Void) {
        route(method, path, body: body, to: ClosureHandler(body: handler))
    }

    public func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) {
        switch lookup(path: request.path, method: request.method) {
        case .route(let route): route.handler.handle(request, respond: respond)
        case .refused(let response): respond(response)
        }
    }

    /// Unknown paths and methods, and bodies the route does not accept, are refused before the body is read;
    /// a routed handler screens the rest.
    public func screen(_ head: HTTPRequestHead) -> HTTPResponse? {
        switch lookup(path: head.path, method: head.method) {
        case .route(let route): return route.body.refusal(for: head.bodyLength) ?? route.handler.screen(head)
        case .refused(let response): return response
        }
    }

    private enum Lookup {
        case route(Route)
        case refused(HTTPResponse)
    }

    private func lookup(path: String, method: String) -> Lookup {
        guard let methods = routes[path] ?? prefixRoute(path) else { return .refused(.text(404, "Not found\n")) }
        if let route = methods[method] ?? (method == "HEAD" ? methods["GET"] : nil) { return .route(route) }
        var allowed = Set(methods.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        let allow = allowed.sorted().joined(separator: ", ")
        var response = HTTPResponse.text(405, "Method not allowed; allowed: \(allow)\n")
        response.headers["Allow"] = allow
        return .refused(response)
    }
}

private struct ClosureHandler: HTTPHandler {
    let body: @Sendable (HTTPRequest, @escaping HTTPResponder) -> Void

    func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) { body(request, respond) }
}
