/// Binds placeholder names to values or address sets (intel lists, configured value lists).
public protocol PlaceholderResolver: Sendable {
    func resolve(_ name: String) -> PlaceholderValue?
}
