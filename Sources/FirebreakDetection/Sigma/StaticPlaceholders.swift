/// Placeholders from a fixed dictionary.
public struct StaticPlaceholders: PlaceholderResolver {
    public var bindings: [String: PlaceholderValue]

    public init(_ bindings: [String: PlaceholderValue] = [:]) {
        self.bindings = bindings
    }

    public func resolve(_ name: String) -> PlaceholderValue? { bindings[name] }
}
