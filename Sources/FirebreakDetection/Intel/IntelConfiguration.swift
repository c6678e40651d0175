import Foundation
import Yams

/// Where the intel lists and value lists come from.
public struct IntelConfiguration: Sendable {
    /// A folder: every `*.txt` is an IP list named after the file, every `*.domains` a domain list; `values.yaml`
    /// holds value lists.
    public var folder: String?
    /// More IP lists by placeholder name (`--intel known_bad_ips=/path/ipsum.txt`).
    public var lists: [String: String]
    /// IPsum entries named by fewer feeds than this are left out.
    public var ipsumMinimumCount: Int
    /// Names bound to an empty list when no file provides one (a feed not fetched yet).
    public var pendingLists: [String] = []

    public init(folder: String? = nil, lists: [String: String] = [:], ipsumMinimumCount: Int = 1) {
        self.folder = folder
        self.lists = lists
        self.ipsumMinimumCount = ipsumMinimumCount
    }

    /// `NAME=PATH` → (name, path).
    public static func parseBinding(_ text: String) -> (String, String)? {
        guard let eq = text.firstIndex(of: "=") else { return nil }
        let name = text[..<eq].trimmingCharacters(in: .whitespaces)
        let path = text[text.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !path.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else { return nil }
        return (name, path)
    }

    /// Files whose change should reload the engine.
    var watchedPaths: [String] { (folder.map { [$0] } ?? []) + lists.values.sorted() }
}

extension IntelRegistry {
    /// The lists and value lists `configuration` names, with their sizes (entries) by name. Problems
    /// are appended to `problems`; what did load is still returned.
    public static func load(_ configuration: IntelConfiguration, problems: inout [RuleError])
        -> (registry: IntelRegistry, sizes: [String: Int]) {
        var registry = IntelRegistry()
        var sizes: [String: Int] = [:]
        let loader = IntelListLoader(minimumCount: configuration.ipsumMinimumCount)
        var files: [(name: String, path: String)] = []
        if let folder = configuration.folder {
            do {
                for file in try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
                where file.hasSuffix(".txt") && !file.hasPrefix(".") {
                    files.append((String(file.dropLast(4)), (folder as NSString).appendingPathComponent(file)))
                }
            } catch {
                problems.append(RuleError(.io, source: folder, "cannot list the intel folder: \((error as NSError).localizedDescription)"))
            }
        }
        // Explicit bindings replace a folder list of the same name.
        files = files.filter { configuration.lists[$0.name] == nil }
        files += configuration.lists.keys.sorted().map { ($0, configuration.lists[$0]!) }
        for (name, path) in files {
            do {
                let list = try loader.load(path: path, name: name)
                try registry.add(list)
                sizes[name] = list.statistics.entries
            } catch {
                problems.append(error)
            }
        }
        for name in configuration.pendingLists where registry.lists[name] == nil {
            try? registry.add(IntelList(name: name, addresses: IPSet(), statistics: IntelList.Statistics(source: "feed \(name) (not fetched yet)")))
            sizes[name] = 0
        }
        if let folder = configuration.folder {
            loadDomainLists(folder: folder, into: &registry, sizes: &sizes, problems: &problems)
            let valuesFile = (folder as NSString).appendingPathComponent("values.yaml")
            if FileManager.default.fileExists(atPath: valuesFile) {
                do {
                    for (name, values) in try Self.valueLists(file: valuesFile) {
                        try registry.setValues(values, named: name)
                        sizes[name] = values.count
                    }
                } catch {
                    problems.append(error)
                }
            }
        }
        return (registry, sizes)
    }

    /// `name: [value, ...]` mappings of a YAML file.
    static func valueLists(file: String) throws(RuleError) -> [(String, [String])] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: try String(contentsOfFile: file, encoding: .utf8))
        } catch {
            throw RuleError(.invalidYAML, source: file, String(describing: error))
        }
        guard let root else { return [] }
        guard case .mapping(let mapping) = root else {
            throw RuleError(.invalidList, source: file, "value lists must be a mapping of name: [values]")
        }
        var out: [(String, [String])] = []
        for (key, value) in mapping {
            guard let name = key.string, case .sequence(let items) = value else {
                throw RuleError(.invalidList, source: file, "'\(key.string ?? "?")' must be a list of values")
            }
            out.append((name, items.compactMap(\.string)))
        }
        return out
    }
}

extension IntelRegistry {
    /// Every `*.domains` file of `folder` as a domain list named after the file (an IP list named in
    /// `IntelConfiguration.lists` keeps its name: the domain list of the same name is then a problem).
    static func loadDomainLists(folder: String, into registry: inout IntelRegistry, sizes: inout [String: Int],
                                problems: inout [RuleError]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            return   // already reported with the IP lists
        }
        let suffix = DomainListLoader.fileExtension
        for file in names where file.hasSuffix(suffix) && !file.hasPrefix(".") {
            do {
                let list = try DomainListLoader().load(path: (folder as NSString).appendingPathComponent(file),
                                                       name: String(file.dropLast(suffix.count)))
                try registry.add(list)
                sizes[list.name] = list.statistics.entries
            } catch {
                problems.append(error)
            }
        }
    }
}
