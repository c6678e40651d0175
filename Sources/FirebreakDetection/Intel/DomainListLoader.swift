import Foundation

/// Reads domain list files (`config/intel/*.domains`): one domain per line, `#` comments (whole-line or after the
/// domain), blank lines ignored; a leading `*.` or `.` is accepted and means the same (the domain and everything
/// below it). Bad lines are counted and skipped like in `IntelListLoader`; a file without a single domain is an error.
public struct DomainListLoader: Sendable {
    /// The file extension of domain lists in the intel folder.
    public static let fileExtension = ".domains"

    public init() {}

    /// Loads the file at `path`; the list is named `name`, or after the file without its extension.
    public func load(path: String, name: String? = nil) throws(RuleError) -> DomainList {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RuleError(.io, source: path, "cannot read the domain list: \(error.localizedDescription)")
        }
        let listName = name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(text, name: listName, source: path)
    }

    /// Parses a list's text; `source` names it in statistics and errors.
    public func parse(_ text: String, name: String, source: String) throws(RuleError) -> DomainList {
        var statistics = IntelList.Statistics(source: source)
        var set = DomainSet()
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            statistics.lines += 1
            var line = rawLine
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            if let reason = Self.problem(trimmed) {
                statistics.badLines += 1
                if statistics.firstBadLines.count < IntelListLoader.maxReportedBadLines {
                    let shown = trimmed.count > 100 ? String(trimmed.prefix(100)) + "…" : trimmed
                    statistics.firstBadLines.append(IntelList.BadLine(source: source, line: statistics.lines, text: shown,
                                                                      reason: reason))
                }
                continue
            }
            set.insert(trimmed)
            statistics.entries += 1
        }
        guard statistics.entries > 0 else {
            var message = "no domain in \(statistics.lines) line\(statistics.lines == 1 ? "" : "s")"
            if let first = statistics.firstBadLines.first {
                message += " (\(statistics.badLines) bad; first at line \(first.line): \(first.reason): '\(first.text)')"
            }
            throw RuleError(.invalidList, source: source, message + "; expected one domain per line, e.g. evil.example")
        }
        return DomainList(name: name, domains: set, statistics: statistics)
    }

    /// Why `text` is not a domain, or nil when it is one: letters, digits, `-`, `_` and `.`, labels of 1–63
    /// characters, at most 253 in all.
    static func problem(_ text: String) -> String? {
        guard let normalized = DomainSet.normalize(text) else { return "not a domain" }
        guard normalized.utf8.count <= 253 else { return "longer than 253 characters" }
        for label in normalized.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty else { return "empty label" }
            guard label.utf8.count <= 63 else { return "a label longer than 63 characters" }
            let allowed = label.utf8.allSatisfy { c in
                (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
            }
            guard allowed else { return "not a domain (letters, digits, '-', '_' and '.' only)" }
        }
        return nil
    }
}
