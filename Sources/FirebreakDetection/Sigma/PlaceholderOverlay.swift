/// Placeholders of `base`, some replaced by fixed values (a rule test file's `values:`).
public struct PlaceholderOverlay: PlaceholderResolver {
    public var base: any PlaceholderResolver
    public var overrides: [String: PlaceholderValue]

    public init(base: any PlaceholderResolver, overrides: [String: PlaceholderValue]) {
        self.base = base
        self.overrides = overrides
    }

    public func resolve(_ name: String) -> PlaceholderValue? { overrides[name] ?? base.resolve(name) }
}
