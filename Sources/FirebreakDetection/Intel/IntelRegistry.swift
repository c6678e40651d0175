import Foundation

/// The intel lists and configured value lists that Sigma placeholders (`%name%` with `|expand`) stand
/// for: an address list resolves to `.addresses`, a domain list to `.domains`, a value list (`expected_egress_ports: ["80", "443"]`)
/// to `.values`. Immutable once built, so workers share it freely.
public struct IntelRegistry: PlaceholderResolver {
    public private(set) var lists: [String: IntelList] = [:]
    public private(set) var valueLists: [String: [String]] = [:]
    public private(set) var domainLists: [String: DomainList] = [:]

    public init() {}

    /// A registry of `lists` and `valueLists`; throws when a name is bound twice.
    public init(lists: [IntelList], valueLists: [String: [String]] = [:]) throws(RuleError) {
        for list in lists { try add(list) }
        for (name, values) in valueLists.sorted(by: { $0.key < $1.key }) { try setValues(values, named: name) }
    }

    /// Adds (or replaces) an address list; a value list of the same name is an error.
    public mutating func add(_ list: IntelList) throws(RuleError) {
        try Self.validate(list.name, source: list.statistics.source)
        guard valueLists[list.name] == nil, domainLists[list.name] == nil else {
            throw RuleError(.invalidList, source: list.statistics.source,
                            "'\(list.name)' is already a value or domain list; give the intel list another name")
        }
        lists[list.name] = list
    }

    /// Adds (or replaces) a domain list; an address or value list of the same name is an error.
    public mutating func add(_ list: DomainList) throws(RuleError) {
        try Self.validate(list.name, source: list.statistics.source)
        guard valueLists[list.name] == nil, lists[list.name] == nil else {
            throw RuleError(.invalidList, source: list.statistics.source,
                            "'\(list.name)' is already an address or value list; give the domain list another name")
        }
        domainLists[list.name] = list
    }

    /// Adds (or replaces) a value list; an address list of the same name is an error.
    public mutating func setValues(_ values: [String], named name: String) throws(RuleError) {
        try Self.validate(name, source: "value list '\(name)'")
        guard lists[name] == nil, domainLists[name] == nil else {
            throw RuleError(.invalidList, source: "value list '\(name)'",
                            "'\(name)' is already an intel list (\((lists[name]?.statistics ?? domainLists[name]?.statistics)?.source ?? "?")); give the value list another name")
        }
        valueLists[name] = values
    }

    /// The binding of a placeholder name (with or without the surrounding `%`); nil when unknown.
    public func resolve(_ name: String) -> PlaceholderValue? {
        var key = Substring(name)
        if key.count >= 2, key.hasPrefix("%"), key.hasSuffix("%") { key = key.dropFirst().dropLast() }
        if let list = lists[String(key)] { return .addresses(list.addresses) }
        if let values = valueLists[String(key)] { return .values(values) }
        if let list = domainLists[String(key)] { return .domains(list.domains) }
        return nil
    }

    /// Load statistics by list name, for logs and `/metrics`.
    public var statistics: [String: IntelList.Statistics] {
        lists.mapValues(\.statistics).merging(domainLists.mapValues(\.statistics)) { first, _ in first }
    }

    /// Every `*.txt` in `directory` (a list named after the file, read as `.auto`) and every `*.domains` (a domain
    /// list named after the file), then each of
    /// `bindings` (which replaces a directory list of the same name), then `valueLists`.
    ///
    /// - Parameter directory: nil to read no directory; a directory that does not exist is an error.
    public static func load(directory: String?, bindings: [Binding] = [],
                            valueLists: [String: [String]] = [:]) throws(RuleError) -> IntelRegistry {
        var registry = IntelRegistry()
        if let directory {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                throw RuleError(.io, source: directory, "cannot list the intel directory: \(error.localizedDescription)")
            }
            let loader = IntelListLoader()
            for file in names.sorted() where file.hasSuffix(".txt") && !file.hasPrefix(".") {
                let path = URL(fileURLWithPath: directory).appendingPathComponent(file).path
                try registry.add(loader.load(path: path, name: String(file.dropLast(4))))
            }
            for file in names.sorted() where file.hasSuffix(DomainListLoader.fileExtension) && !file.hasPrefix(".") {
                let path = URL(fileURLWithPath: directory).appendingPathComponent(file).path
                try registry.add(DomainListLoader().load(path: path, name: String(file.dropLast(DomainListLoader.fileExtension.count))))
            }
        }
        for binding in bindings {
            let loader = IntelListLoader(format: binding.format, minimumCount: binding.minimumCount)
            try registry.add(loader.load(path: binding.path, name: binding.name))
        }
        for (name, values) in valueLists.sorted(by: { $0.key < $1.key }) {
            try registry.setValues(values, named: name)
        }
        return registry
    }

    /// An explicit list: a name bound to a file, with its format and (IPsum) minimum count.
    public struct Binding: Sendable, Equatable {
        public var name: String
        public var path: String
        public var format: IntelListFormat
        public var minimumCount: Int

        public init(name: String, path: String, format: IntelListFormat = .auto, minimumCount: Int = 1) {
            self.name = name
            self.path = path
            self.format = format
            self.minimumCount = minimumCount
        }

        /// `name=path` (as given on a command line or in an environment variable).
        public static func parse(_ text: String, format: IntelListFormat = .auto, minimumCount: Int = 1)
            throws(RuleError) -> Binding {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
                throw RuleError(.invalidList, source: "intel binding '\(text)'", "expected name=path, e.g. known_bad_ips=/etc/firebreak/bad.txt")
            }
            let name = String(text[..<equals])
            try IntelRegistry.validate(name, source: "intel binding '\(text)'")
            return Binding(name: name, path: String(text[text.index(after: equals)...]), format: format,
                           minimumCount: minimumCount)
        }
    }

    /// Placeholder names: letters, digits, `_`, `-` and `.`.
    static func validate(_ name: String, source: String) throws(RuleError) {
        let allowed = !name.isEmpty && name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-" || $0 == "."
        }
        guard allowed else {
            throw RuleError(.invalidList, source: source,
                            "'\(name)' is not a placeholder name; use letters, digits, '_', '-' and '.'")
        }
    }
}
