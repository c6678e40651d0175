/// A set of DNS domains matched by suffix: `evil.example` contains `evil.example`, `a.b.evil.example` and
/// `EVIL.example.` (case and a trailing dot do not matter), but not `notevil.example`.
public struct DomainSet: Sendable, Equatable {
    private var domains: Set<String>

    public init() { domains = [] }

    /// The set of `names`, each normalized (`normalize(_:)`); names that normalize to nothing are left out.
    public init<S: Sequence>(_ names: S) where S.Element == String {
        domains = Set(names.compactMap(Self.normalize))
    }

    public var count: Int { domains.count }
    public var isEmpty: Bool { domains.isEmpty }

    public mutating func insert(_ name: String) {
        if let normalized = Self.normalize(name) { domains.insert(normalized) }
    }

    public func union(_ other: DomainSet) -> DomainSet {
        var out = self
        out.domains.formUnion(other.domains)
        return out
    }

    /// True when `name`, or a parent domain of it, is in the set.
    public func contains(_ name: String) -> Bool {
        guard !domains.isEmpty, let normalized = Self.normalize(name) else { return false }
        var candidate = Substring(normalized)
        while true {
            if domains.contains(String(candidate)) { return true }
            guard let dot = candidate.firstIndex(of: ".") else { return false }
            candidate = candidate[candidate.index(after: dot)...]
        }
    }

    /// Lower-cased, without a trailing dot or a leading `*.`/`.`; nil when nothing is left.
    public static func normalize(_ name: String) -> String? {
        var text = Substring(name.lowercased())
        while text.hasSuffix(".") { text = text.dropLast() }
        if text.hasPrefix("*.") { text = text.dropFirst(2) }
        while text.hasPrefix(".") { text = text.dropFirst() }
        return text.isEmpty ? nil : String(text)
    }
}
