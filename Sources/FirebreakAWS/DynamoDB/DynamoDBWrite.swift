/// One write of a transaction (`TransactWriteItems`) or a batch (`BatchWriteItem`: puts and deletes without
/// conditions only).
public enum DynamoDBWrite: Sendable, Hashable {
    case put(item: DynamoDBItem, condition: DynamoDBExpression? = nil)
    case update(key: DynamoDBItem, update: DynamoDBExpression, condition: DynamoDBExpression? = nil)
    case delete(key: DynamoDBItem, condition: DynamoDBExpression? = nil)
    /// A condition on another item that must hold for the transaction to apply; writes nothing.
    case conditionCheck(key: DynamoDBItem, condition: DynamoDBExpression)

    var condition: DynamoDBExpression? {
        switch self {
        case .put(_, let condition), .update(_, _, let condition), .delete(_, let condition): return condition
        case .conditionCheck(_, let condition): return condition
        }
    }
}
