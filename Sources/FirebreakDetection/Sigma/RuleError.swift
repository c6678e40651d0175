/// Why a rule or list could not be loaded or compiled; the message names the file and the part at fault.
public struct RuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case invalidYAML, invalidRule, unsupported, unknownPlaceholder, invalidCondition, invalidValue, invalidList, io
    }

    public var kind: Kind
    /// The rule file (or list file) and, when known, the rule's id or title.
    public var source: String
    public var message: String

    public init(_ kind: Kind, source: String, _ message: String) {
        self.kind = kind
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}
