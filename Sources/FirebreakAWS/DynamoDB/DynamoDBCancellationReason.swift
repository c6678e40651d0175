/// Why one action of a cancelled `TransactWriteItems` failed: `Code` is `None` for the actions that were fine,
/// `ConditionalCheckFailed`, `TransactionConflict`, `ThrottlingError`, `ValidationError`, ...
public struct DynamoDBCancellationReason: Sendable, Hashable, Decodable {
    public var code: String
    public var message: String?
    /// The item as it was, when the action asked for it (`ReturnValuesOnConditionCheckFailure: ALL_OLD`).
    public var item: DynamoDBItem?

    public init(code: String, message: String? = nil, item: DynamoDBItem? = nil) {
        self.code = code
        self.message = message
        self.item = item
    }

    enum CodingKeys: String, CodingKey {
        case code = "Code", message = "Message", item = "Item"
    }
}
