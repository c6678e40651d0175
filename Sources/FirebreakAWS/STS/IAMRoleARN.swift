/// An IAM role ARN, `arn:<partition>:iam::<12-digit account>:role/<optional path/><name>`, checked before it is sent.
public struct IAMRoleARN: Sendable, Hashable, CustomStringConvertible {
    /// `aws`, `aws-cn`, `aws-us-gov`, …
    public let partition: String
    public let accountID: String
    /// The role's name, the last segment of the resource.
    public let name: String
    /// The ARN as given.
    public let text: String

    public static let maxLength = 2048
    public static let maxNameLength = 64

    /// Parses `text`; an `.invalidParameter` error says what is wrong and shows the expected shape.
    public init(_ text: String) throws(AWSError) {
        let example = "like arn:aws:iam::123456789012:role/FirebreakResponder"
        func invalid(_ reason: String) -> AWSError {
            AWSError(.invalidParameter, message: "\"\(text.prefix(200))\" is not an IAM role ARN (\(reason)); give one \(example)")
        }
        guard text.utf8.count <= Self.maxLength else { throw invalid("longer than \(Self.maxLength) characters") }
        let fields = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn" else { throw invalid("it does not start with arn: and have six fields") }
        guard !fields[1].isEmpty, fields[1].utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }) else {
            throw invalid("the partition is not like aws or aws-cn")
        }
        guard fields[2] == "iam", fields[3].isEmpty else { throw invalid("the service is not iam with an empty region") }
        guard Self.isAccountID(fields[4]) else { throw invalid("the account is not 12 digits") }
        guard fields[5].hasPrefix("role/") else { throw invalid("the resource does not start with role/") }
        let resource = fields[5].dropFirst("role/".count)
        let segments = resource.split(separator: "/", omittingEmptySubsequences: false)
        guard let last = segments.last, !last.isEmpty, last.count <= Self.maxNameLength,
              last.unicodeScalars.allSatisfy(STSClient.isNameCharacter) else {
            throw invalid("the role name must have 1 to \(Self.maxNameLength) letters, digits or +=,.@_-")
        }
        // A path between role/ and the name: printable ASCII segments, as IAM allows.
        guard segments.dropLast().allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f } }) else {
            throw invalid("the role path has an empty segment or a character that is not printable ASCII")
        }
        partition = String(fields[1])
        accountID = String(fields[4])
        name = String(last)
        self.text = text
    }

    public var description: String { text }

    /// Exactly 12 ASCII digits.
    public static func isAccountID(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
