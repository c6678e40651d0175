/// What a message to an SNS FIFO topic carries besides its text: the group (messages of one group are delivered in
/// order) and the deduplication id (a second message with the same id within 5 minutes is not delivered).
public struct FIFOMessage: Sendable, Equatable {
    public var groupID: String
    public var deduplicationID: String

    public init(groupID: String, deduplicationID: String) {
        self.groupID = groupID
        self.deduplicationID = deduplicationID
    }

    /// SNS's rules for both ids: 1 to 128 characters, alphanumeric or punctuation (`!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~`).
    func validate() throws(AWSError) {
        for (name, value) in [("MessageGroupId", groupID), ("MessageDeduplicationId", deduplicationID)] {
            guard (1...128).contains(value.utf8.count), value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw AWSError(.invalidParameter, message: "\(name) must be 1 to 128 printable ASCII characters without spaces")
            }
        }
    }
}
