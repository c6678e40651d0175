/// What request body a route accepts, decided from the head before any body byte is read.
public enum HTTPBodyPolicy: Sendable, Equatable {
    /// No body: a request announcing one (`Content-Length` above 0, or chunked) is answered 413 and closed.
    case none
    /// A body of at most this many bytes (the server's `maxBodyBytes` still applies).
    case upTo(Int)

    /// The policy of a route that does not declare one: bodies for POST, PUT and PATCH, none otherwise.
    public static func `default`(for method: String) -> HTTPBodyPolicy {
        ["POST", "PUT", "PATCH"].contains(method) ? .upTo(Int.max) : .none
    }

    /// The refusal for a request whose announced body this policy does not accept; nil when it is accepted.
    func refusal(for body: HTTPBodyLength) -> HTTPResponse? {
        switch (self, body) {
        case (_, .none), (.upTo, .chunked):
            return nil
        case (.none, _):
            return .text(413, "This route takes no request body.\n")
        case (.upTo(let limit), .fixed(let length)):
            return length <= limit ? nil : .text(413, "Request body too large for this route: send at most \(limit) bytes.\n")
        }
    }
}
