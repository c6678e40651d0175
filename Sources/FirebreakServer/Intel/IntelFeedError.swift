/// Why a feed fetch failed; the message names the host, never the URL's query.
public struct IntelFeedError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
