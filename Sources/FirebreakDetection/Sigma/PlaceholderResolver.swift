/// What a Sigma placeholder (`%name%` with the `expand` modifier) stands for.
public enum PlaceholderValue: Sendable {
    /// Plain values, compared like the rule's own values (with the field's other modifiers).
    case values([String])
    /// An address list (intel list or CIDRs): the field matches when its address is in the set.
    case addresses(IPSet)
}

/// Binds placeholder names to values or address sets (intel lists, configured value lists).
public protocol PlaceholderResolver: Sendable {
    func resolve(_ name: String) -> PlaceholderValue?
}

/// Placeholders from a fixed dictionary.
public struct StaticPlaceholders: PlaceholderResolver {
    public var bindings: [String: PlaceholderValue]

    public init(_ bindings: [String: PlaceholderValue] = [:]) {
        self.bindings = bindings
    }

    public func resolve(_ name: String) -> PlaceholderValue? { bindings[name] }
}
