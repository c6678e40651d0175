/// Why a `firebreak` command could not do its work. A `usage` error is the caller's to fix (an option or the
/// configuration); a `failure` happened while the command worked.
public struct CommandError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case usage, failure }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// The configuration could not be loaded: a usage error with the loader's message.
    static func configuration(_ error: ConfigurationError) -> CommandError {
        CommandError(.usage, error.description)
    }
}
