import Foundation

/// What is kept between fetches of a feed, in `<name>.feed.json` next to its list.
public struct IntelFeedState: Codable, Sendable, Equatable {
    /// The last 200's `ETag`, sent back as `If-None-Match`.
    public var etag: String?
    /// The last 200's `Last-Modified`, sent back as `If-Modified-Since`.
    public var lastModified: String?
    /// When the list file was last confirmed current (a 200 written, or a 304), seconds since 1970.
    public var confirmedAt: Double?
    /// When the feed was last asked, whatever the outcome, seconds since 1970.
    public var checkedAt: Double?

    public init(etag: String? = nil, lastModified: String? = nil, confirmedAt: Double? = nil, checkedAt: Double? = nil) {
        self.etag = etag
        self.lastModified = lastModified
        self.confirmedAt = confirmedAt
        self.checkedAt = checkedAt
    }

    /// The state in `path`; empty when there is none or it cannot be read (the next fetch is then unconditional).
    static func read(_ path: String) -> IntelFeedState {
        guard let data = FileManager.default.contents(atPath: path),
              let state = try? JSONDecoder().decode(IntelFeedState.self, from: data) else { return IntelFeedState() }
        return state
    }

    func write(_ path: String) throws(IntelFeedError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw IntelFeedError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
