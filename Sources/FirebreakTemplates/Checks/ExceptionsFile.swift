import Foundation
import Yams

/// Central exceptions: a YAML list of `{id, file, logical_id, reason}`; `id`, `file` and `logical_id`
/// are glob patterns (`*`, `**`, `?`), `file` and `logical_id` optional (default: any), `reason` required.
public struct ExceptionsFile: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var id: String
        public var file: String?
        public var logicalID: String?
        public var reason: String

        public init(id: String, file: String? = nil, logicalID: String? = nil, reason: String) {
            self.id = id
            self.file = file
            self.logicalID = logicalID
            self.reason = reason
        }

        public func matches(_ finding: TemplateFinding) -> Bool {
            guard CheckValues.glob(id, matches: finding.checkID) else { return false }
            if let logicalID, !CheckValues.glob(logicalID, matches: finding.logicalID) { return false }
            if let file, !ExceptionsFile.path(finding.path, matches: file) { return false }
            return true
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    public static let empty = ExceptionsFile()

    public static func load(path: String) throws -> ExceptionsFile {
        try parse(yaml: try CheckInputFile.text(path: path), path: path)
    }

    public static func parse(yaml: String, path: String = "<string>") throws -> ExceptionsFile {
        func fail(_ message: String) -> CheckConfigurationError { CheckConfigurationError(path: path, message: message) }
        let loaded = try CheckInputFile.yaml(yaml, path: path)
        guard let loaded else { return ExceptionsFile() }
        var list = loaded as? [Any]
        if list == nil, let map = loaded as? [String: Any], let inner = map["exceptions"] as? [Any] { list = inner }
        guard let list else { throw fail("expected a list of exceptions") }
        var entries: [Entry] = []
        for (index, item) in list.enumerated() {
            guard let map = item as? [String: Any] else { throw fail("exception \(index + 1): expected a mapping") }
            guard let id = map["id"].map({ "\($0)" }), !id.isEmpty else { throw fail("exception \(index + 1): id is required") }
            guard let reason = map["reason"].map({ "\($0)".trimmingWhitespace }), !reason.isEmpty else {
                throw fail("exception \(index + 1) (\(id)): reason is required")
            }
            entries.append(Entry(id: id, file: map["file"].map { "\($0)" }, logicalID: map["logical_id"].map { "\($0)" },
                                 reason: reason))
        }
        return ExceptionsFile(entries: entries)
    }

    /// Marks the findings an entry covers (`suppressedBy: "exceptions: <reason>"`).
    public func apply(_ findings: [TemplateFinding]) -> [TemplateFinding] {
        findings.map { finding in
            var finding = finding
            if finding.suppressedBy == nil, let entry = entries.first(where: { $0.matches(finding) }) {
                finding.suppressedBy = "exceptions: \(entry.reason)"
            }
            return finding
        }
    }

    /// A path matches a pattern as written, without a leading `./`, or (for a pattern without `/`) by its file name.
    static func path(_ path: String, matches pattern: String) -> Bool {
        var candidates = [path]
        if path.hasPrefix("./") { candidates.append(String(path.dropFirst(2))) }
        if !pattern.contains("/"), let name = path.split(separator: "/").last { candidates.append(String(name)) }
        return candidates.contains { CheckValues.glob(pattern, matches: $0) }
            || (pattern.hasPrefix("**/") && CheckValues.glob(String(pattern.dropFirst(3)), matches: path))
    }
}
