/// A value of a CloudFormation template, whatever the source format: JSON and YAML (short-form
/// intrinsic tags such as `!Ref x` included) load to the same model, with intrinsics in their long form
/// (`{"Ref": "x"}`, `{"Fn::GetAtt": ["R", "Arn"]}`).
public indirect enum TemplateValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)      // the literal, so 1, 1.0 and "1" stay apart as written
    case string(String)
    case list([TemplateValue])
    case map(TemplateMap)

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var list: [TemplateValue]? { if case .list(let l) = self { return l }; return nil }
    public var map: TemplateMap? { if case .map(let m) = self { return m }; return nil }

    public subscript(key: String) -> TemplateValue? { map?[key] }

    /// The intrinsic function this value is (`Ref`, `Fn::If`, ...), with its argument.
    public var intrinsic: (name: String, argument: TemplateValue)? {
        guard let map, map.count == 1, let entry = map.entries.first,
              entry.key == "Ref" || entry.key == "Condition" || entry.key.hasPrefix("Fn::") else { return nil }
        return (entry.key, entry.value)
    }
}

/// An ordered map with the source line of each key (1-based; 0 when unknown).
public struct TemplateMap: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: TemplateValue
        public var line: Int
        public init(key: String, value: TemplateValue, line: Int = 0) {
            self.key = key
            self.value = value
            self.line = line
        }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry] = []) { self.entries = entries }

    public var count: Int { entries.count }
    public var keys: [String] { entries.map(\.key) }

    public subscript(key: String) -> TemplateValue? { entries.first { $0.key == key }?.value }

    public func line(of key: String) -> Int? { entries.first { $0.key == key }?.line }

    /// Equality of content only (lines ignored): a YAML template equals its JSON twin.
    public func sameContent(as other: TemplateMap) -> Bool {
        guard count == other.count else { return false }
        for entry in entries {
            guard let value = other[entry.key], value.sameContent(as: entry.value) else { return false }
        }
        return true
    }
}

extension TemplateValue {
    /// Equality of content only (source lines ignored; map order ignored).
    public func sameContent(as other: TemplateValue) -> Bool {
        switch (self, other) {
        case (.map(let a), .map(let b)): return a.sameContent(as: b)
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.sameContent(as: $1) }
        case (.number(let a), .number(let b)): return Double(a) == Double(b)
        default: return self == other
        }
    }
}
