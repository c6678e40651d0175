/// An entry that is neither an IP address nor a CIDR.
public struct IPSetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var entry: String
    public var description: String { "'\(entry)' is not an IP address or CIDR" }
}
