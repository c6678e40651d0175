/// Why a stored finding could not be rendered as an ASFF finding.
public enum ASFFFindingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stored finding's JSON is not a JSON object (edited by hand, or written by another version).
    case unreadableFinding(id: String, reason: String)
    /// An account id of the context is not 12 digits.
    case invalidAccount(String)
    /// The context's region is not a region name (like us-east-1).
    case invalidRegion(String)
    /// The rendered finding is above Security Hub's 240 KB per finding.
    case tooLarge(id: String, bytes: Int)

    public var description: String {
        switch self {
        case let .unreadableFinding(id, reason):
            return "finding \(id) cannot be exported to Security Hub: its stored JSON is unreadable (\(reason))"
        case let .invalidAccount(account):
            return "\"\(account)\" is not an AWS account id (12 digits): set the account Security Hub findings are imported as"
        case let .invalidRegion(region):
            return "\"\(region)\" is not an AWS region (like us-east-1): set the Security Hub region"
        case let .tooLarge(id, bytes):
            return "finding \(id) is \(bytes) bytes as ASFF, more than Security Hub's 240 KB per finding"
        }
    }
}
