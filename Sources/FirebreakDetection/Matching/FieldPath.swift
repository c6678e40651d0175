/// A dotted field name, split once at rule load (`userIdentity.sessionContext.sessionIssuer.type`).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let raw: String
    public let components: [String]

    public init(_ raw: String) {
        self.raw = raw
        self.components = raw.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    public init(stringLiteral value: String) { self.init(value) }

    public var description: String { raw }
}
