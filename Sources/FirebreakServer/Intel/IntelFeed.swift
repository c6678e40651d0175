import FirebreakTime
import Foundation

/// A list fetched over HTTPS and refreshed (`intel.feeds`): written to `<name>.txt` (or `<name>.domains`) in the
/// intel folder, where it is loaded like any other list.
public struct IntelFeed: Sendable, Equatable {
    /// The list's placeholder name (`%name%`) and file name: `[a-z0-9_]+`.
    public var name: String
    public var url: URL
    public var format: IntelFeedFormat
    /// Seconds between fetches.
    public var refreshSeconds: Int

    /// Feeds are fetched at most this often (Spamhaus asks for an hour; 5 minutes is the floor).
    public static let minimumRefreshSeconds = 300
    public static let defaultRefresh = "1h"

    public init(name: String, url: URL, format: IntelFeedFormat, refreshSeconds: Int) {
        self.name = name
        self.url = url
        self.format = format
        self.refreshSeconds = refreshSeconds
    }

    /// The list file the feed is written to.
    public var fileName: String { name + (format == .domains ? ".domains" : ".txt") }
    /// The small state file next to it (ETag, Last-Modified, times).
    public var stateFileName: String { name + ".feed.json" }

    /// The URL's host (and port), for logs: a query string may hold a key, so it is never logged.
    public var host: String {
        var text = url.host(percentEncoded: true) ?? "?"
        if let port = url.port { text += ":\(port)" }
        return text
    }

    /// Whether `url` may be fetched: https, or http to 127.0.0.1 / [::1] (tests).
    static func isAllowed(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), let host = url.host(percentEncoded: true), !host.isEmpty else { return false }
        if scheme == "https" { return true }
        return scheme == "http" && ["127.0.0.1", "::1", "[::1]"].contains(host)
    }

    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64
            && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    /// Parses one `intel.feeds` entry (`{name, url, format, refresh}`); the message says what to fix.
    static func parse(_ row: [String: String]) -> Result<IntelFeed, FeedEntryProblem> {
        let label = row["name"].map { "feed '\($0)'" } ?? "a feed"
        guard Set(row.keys).isSubset(of: ["name", "url", "format", "refresh"]) else {
            let extra = Set(row.keys).subtracting(["name", "url", "format", "refresh"]).sorted().joined(separator: ", ")
            return .failure(FeedEntryProblem("\(label): only name, url, format and refresh may be set (got \(extra))"))
        }
        guard let name = row["name"], isName(name) else {
            return .failure(FeedEntryProblem("\(label): name must be lowercase letters, digits and _ (up to 64), e.g. feodo_c2"))
        }
        guard let text = row["url"], let url = URL(string: text), isAllowed(url) else {
            return .failure(FeedEntryProblem("\(label): url must be an https:// URL (http only to 127.0.0.1 or [::1])"))
        }
        guard let formatText = row["format"], let format = IntelFeedFormat(rawValue: formatText) else {
            return .failure(FeedEntryProblem("\(label): format must be one of "
                + IntelFeedFormat.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        let refreshText = row["refresh"] ?? defaultRefresh
        guard let refresh = DurationText.parse(refreshText), refresh >= minimumRefreshSeconds, refresh <= 30 * 86_400 else {
            return .failure(FeedEntryProblem("\(label): refresh must be a duration from 5m to 30d, like 1h or 24h (got '\(refreshText)')"))
        }
        return .success(IntelFeed(name: name, url: url, format: format, refreshSeconds: refresh))
    }
}

/// Why an `intel.feeds` entry was refused.
struct FeedEntryProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
