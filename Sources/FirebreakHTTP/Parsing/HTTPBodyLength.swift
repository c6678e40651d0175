/// The body a request's head announces.
public enum HTTPBodyLength: Sendable, Equatable {
    case none
    /// `Content-Length` bytes (above 0).
    case fixed(Int)
    /// `Transfer-Encoding: chunked`, length unknown until the last chunk.
    case chunked
}
