import FirebreakResponse
import FirebreakTime
import Foundation
import Yams

/// The configuration as layered key paths: embedded default, then a file, then `FIREBREAK_*` variables.
///
/// Keys are dotted paths (`server.listen`); the embedded default defines which keys exist, so a
/// misspelt key in a file is an error instead of a silently ignored setting.
struct ConfigurationLayers {
    struct Entry {
        var node: Node
        var source: String
    }

    private(set) var entries: [String: Entry] = [:]

    /// Short variable names users expect, next to the generic `FIREBREAK_<KEY_PATH>` ones.
    static let aliases: [String: String] = [
        "FIREBREAK_LISTEN": "server.listen",
        "FIREBREAK_ACCESS_KEY": "firehose.access_key",
        "FIREBREAK_ACCESS_KEY_FILE": "firehose.access_key_file",
        "FIREBREAK_LOG_LEVEL": "logging.level",
        "FIREBREAK_INTERNAL_CIDRS": "network.internal_cidrs",
        "FIREBREAK_RULES": "rules.paths",
        "FIREBREAK_STORE": "store.path",
        "FIREBREAK_PLAYBOOKS": "playbooks.path",
        "FIREBREAK_SNS_TOPIC_ARN": "alerts.sns_topic_arn",
        "FIREBREAK_TLS_CERTIFICATE": "server.tls.certificate",
        "FIREBREAK_TLS_PRIVATE_KEY": "server.tls.private_key",
        "FIREBREAK_ADMIN_LISTEN": "server.admin_listen",
        "FIREBREAK_ADMIN_TOKEN": "server.admin_token",
        "FIREBREAK_DYNAMODB_TABLE": "store.dynamodb.table",
    ]

    init(defaultYAML: String, source: String) throws(ConfigurationError) {
        for (key, node) in try Self.flatten(yaml: defaultYAML, source: source) {
            entries[key] = Entry(node: node, source: source)
        }
    }

    /// Layers a YAML document over the current values; keys must already exist.
    mutating func apply(yaml: String, source: String) throws(ConfigurationError) {
        for (key, node) in try Self.flatten(yaml: yaml, source: source) {
            guard entries[key] != nil else { throw .unknownKey(key: key, source: source) }
            entries[key] = Entry(node: node, source: source)
        }
    }

    /// Layers `FIREBREAK_*` variables; the generic name wins over the short alias when both are set.
    mutating func apply(environment: [String: String]) {
        for (name, key) in Self.aliases.sorted(by: { $0.key < $1.key }) {
            if let value = environment[name], entries[key] != nil {
                entries[key] = Entry(node: .scalar(.init(value)), source: "environment variable \(name)")
            }
        }
        for key in entries.keys {
            let name = Self.variableName(for: key)
            if let value = environment[name] {
                entries[key] = Entry(node: .scalar(.init(value)), source: "environment variable \(name)")
            }
        }
    }

    /// A YAML error by line, column and problem, without Yams's snippet of the offending line: that line may
    /// hold a secret (an access key or token pasted into the file), and this message goes to stderr and logs.
    static func describe(_ error: any Error) -> String {
        guard let yaml = error as? YamlError else { return "the text cannot be parsed" }
        switch yaml {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return "line \(mark.line), column \(mark.column): " + (context.map { $0.text + " " } ?? "") + problem
        case let .reader(problem, offset, _, _):
            return problem + (offset.map { " at byte \($0)" } ?? "")
        case let .duplicatedKeysInMapping(duplicates, context):
            return "duplicate keys \(duplicates.joined(separator: ", ")) at line \(context.mark.line)"
        default:
            return "the text is not valid YAML"
        }
    }

    static func variableName(for key: String) -> String {
        "FIREBREAK_" + key.uppercased().replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    private static func flatten(yaml: String, source: String) throws(ConfigurationError) -> [(String, Node)] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw .invalidYAML(source: source, reason: Self.describe(error))
        }
        guard let root else { return [] }
        guard case .mapping = root else { throw .notAMapping(source: source) }
        var out: [(String, Node)] = []
        func walk(_ node: Node, prefix: String) {
            if case .mapping(let mapping) = node {
                for (keyNode, value) in mapping {
                    let key = prefix.isEmpty ? (keyNode.string ?? "") : prefix + "." + (keyNode.string ?? "")
                    if case .mapping = value { walk(value, prefix: key) } else { out.append((key, value)) }
                }
            }
        }
        walk(root, prefix: "")
        return out
    }

    // MARK: typed reads

    func string(_ key: String) throws(ConfigurationError) -> String {
        let entry = try entry(key)
        guard let text = entry.node.string else { throw .invalidValue(key: key, source: entry.source, expected: "a string") }
        return text
    }

    func int(_ key: String, min: Int = Int.min, max: Int = Int.max) throws(ConfigurationError) -> Int {
        let entry = try entry(key)
        guard let text = entry.node.string, let value = Int(text.trimmingCharacters(in: .whitespaces)),
              value >= min, value <= max else {
            throw .invalidValue(key: key, source: entry.source, expected: "an integer from \(min) to \(max)")
        }
        return value
    }

    /// true/false (also yes/no, on/off, 1/0), from YAML or a variable.
    func bool(_ key: String) throws(ConfigurationError) -> Bool {
        let entry = try entry(key)
        switch entry.node.string?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw .invalidValue(key: key, source: entry.source, expected: "true or false")
        }
    }

    /// A duration written like the playbooks' windows (`90m`, `24h`, `30d`, `45s`) or a number of seconds, in seconds.
    func duration(_ key: String, min: Int, max: Int) throws(ConfigurationError) -> Int {
        let entry = try entry(key)
        guard let text = entry.node.string, let seconds = DurationText.parse(text), seconds >= min, seconds <= max else {
            throw .invalidValue(key: key, source: entry.source,
                                expected: "a duration from \(DurationText.format(min)) to \(DurationText.format(max)), "
                                    + "written like 90m, 24h, 30d or a number of seconds")
        }
        return seconds
    }

    /// A list given as a YAML sequence of strings or as one comma-separated string.
    func stringList(_ key: String) throws(ConfigurationError) -> [String] {
        let entry = try entry(key)
        switch entry.node {
        case .sequence(let seq):
            var out: [String] = []
            for item in seq {
                guard let text = item.string else { throw .invalidValue(key: key, source: entry.source, expected: "a list of strings") }
                out.append(text)
            }
            return out
        case .scalar(let scalar):
            return scalar.string.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        default:
            throw .invalidValue(key: key, source: entry.source, expected: "a list of strings or a comma-separated string")
        }
    }

    /// A list of mappings; a scalar (from a variable) is parsed as YAML or JSON first.
    func mappingList(_ key: String) throws(ConfigurationError) -> [[String: String]] {
        let entry = try entry(key)
        var node = entry.node
        if case .scalar(let scalar) = node {
            if scalar.string.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
            do {
                guard let parsed = try Yams.compose(yaml: scalar.string) else { return [] }
                node = parsed
            } catch {
                throw .invalidValue(key: key, source: entry.source, expected: "a YAML or JSON list of mappings")
            }
        }
        guard case .sequence(let seq) = node else {
            throw .invalidValue(key: key, source: entry.source, expected: "a list of mappings")
        }
        var out: [[String: String]] = []
        for item in seq {
            guard case .mapping(let mapping) = item else {
                throw .invalidValue(key: key, source: entry.source, expected: "a list of mappings")
            }
            var row: [String: String] = [:]
            for (k, v) in mapping {
                guard let name = k.string, let value = v.string else {
                    throw .invalidValue(key: key, source: entry.source, expected: "mappings of strings")
                }
                row[name] = value
            }
            out.append(row)
        }
        return out
    }

    func source(of key: String) -> String { entries[key]?.source ?? "nowhere" }

    private func entry(_ key: String) throws(ConfigurationError) -> Entry {
        guard let entry = entries[key] else { throw .unknownKey(key: key, source: "the program") }
        return entry
    }
}
