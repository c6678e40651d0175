/// A failed DynamoDB call. The two answers a conditional write is built to get are their own cases, with what
/// DynamoDB returned; everything else AWS or the transport said is `service`, with its kind (throttling that
/// outlasted the retries, access denied, a missing table, ...).
public enum DynamoDBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The write's condition was false; `item` is the item as it was, when the write asked for it.
    case conditionalCheckFailed(item: DynamoDBItem?)
    /// A transaction was cancelled: one reason per action, in the order of the actions.
    case transactionCanceled(reasons: [DynamoDBCancellationReason])
    /// The request was refused before it was sent (too many items, conflicting placeholders, ...).
    case invalidRequest(String)
    /// Any other failure, as the AWS client reported it.
    case service(AWSError)
    /// DynamoDB answered 2xx with a body that does not have the operation's output shape.
    case malformedResponse(operation: String)

    /// Throttling (after the client's own retries), or a transaction cancelled only by throttling or conflicts:
    /// the same call may succeed later.
    public var isRetryable: Bool {
        switch self {
        case .service(let error): return error.isRetryable
        case .transactionCanceled(let reasons):
            let transient: Set<String> = ["None", "ThrottlingError", "TransactionConflict", "ProvisionedThroughputExceeded"]
            return reasons.allSatisfy { transient.contains($0.code) } && reasons.contains { $0.code != "None" }
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .conditionalCheckFailed: return "DynamoDB: the conditional request failed"
        case .transactionCanceled(let reasons):
            return "DynamoDB: transaction cancelled (\(reasons.map(\.code).joined(separator: ", ")))"
        case .invalidRequest(let message): return "DynamoDB request refused before sending: \(message)"
        case .service(let error): return error.description
        case .malformedResponse(let operation):
            return "DynamoDB \(operation) answered with JSON that does not match its output shape"
        }
    }
}
