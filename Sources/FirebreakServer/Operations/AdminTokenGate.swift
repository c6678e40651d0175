import FirebreakHTTP
import Foundation

/// Puts the admin listener's routes behind `Authorization: Bearer <token>`, compared in constant time. The
/// token is checked in `screen`, before anything of a request's body is read; a request without the right
/// token is answered 401 and its connection closed.
struct AdminTokenGate: HTTPHandler {
    let token: AccessKeyVerifier
    let next: any HTTPHandler

    init(token: String, next: any HTTPHandler) {
        self.token = AccessKeyVerifier(keys: [token])
        self.next = next
    }

    func screen(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard authorized(head.headers["Authorization"]) else { return Self.unauthorized }
        return next.screen(head)
    }

    func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) {
        guard authorized(request.headers["Authorization"]) else { return respond(Self.unauthorized) }
        next.handle(request, respond: respond)
    }

    /// True for `Bearer <token>` (the scheme in any case, one or more spaces).
    func authorized(_ header: String?) -> Bool {
        guard let header else { return false }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return token.accepts(parts[1].trimmingCharacters(in: .whitespaces))
    }

    static let unauthorized: HTTPResponse = {
        var response = HTTPResponse.text(401, "the admin listener needs Authorization: Bearer <server.admin_token>\n")
        response.headers["WWW-Authenticate"] = "Bearer realm=\"firebreak-admin\""
        return response
    }()
}
