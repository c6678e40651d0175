import Foundation

/// Several writes in one call: TransactWriteItems (all or nothing) and BatchWriteItem (each on its own).
extension DynamoDBClient {
    /// The most actions one TransactWriteItems takes.
    public static let maxTransactionWrites = 100
    /// The most writes one BatchWriteItem takes.
    public static let maxBatchWrites = 25

    /// TransactWriteItems on `table`: every write applies, or none does (`transactionCanceled`, one reason per
    /// write). A write with a failed condition carries its item as it was in its reason when `returnOld`. With a
    /// `token` (≤ 36 characters) DynamoDB applies a retried transaction once within ten minutes, so a call whose
    /// answer was lost may be sent again.
    public func transactWrite(table: String, _ writes: [DynamoDBWrite], token: String? = nil,
                              returnOld: Bool = false) throws(DynamoDBError) {
        guard !writes.isEmpty else { return }
        guard writes.count <= Self.maxTransactionWrites else {
            throw .invalidRequest("a transaction takes at most \(Self.maxTransactionWrites) writes (got \(writes.count))")
        }
        if let token, token.isEmpty || token.count > 36 {
            throw .invalidRequest("a transaction token is 1 to 36 characters")
        }
        var items: [TransactItem] = []
        items.reserveCapacity(writes.count)
        for write in writes {
            items.append(try TransactItem(table: table, write: write, returnOld: returnOld))
        }
        // With a token the call is idempotent on DynamoDB's side: retried like a read.
        _ = try call("TransactWriteItems", TransactInput(TransactItems: items, ClientRequestToken: token),
                     as: EmptyOutput.self, readOnly: token != nil)
    }

    /// BatchWriteItem on `table`, `maxBatchWrites` at a time; the writes DynamoDB leaves unprocessed (throttled)
    /// are sent again with backoff, up to `attempts` times per batch, then the call fails as throttled. Puts and
    /// deletes only, without conditions.
    public func batchWrite(table: String, _ writes: [DynamoDBWrite], attempts: Int = 8) throws(DynamoDBError) {
        var requests: [BatchRequest] = []
        requests.reserveCapacity(writes.count)
        for write in writes {
            switch write {
            case .put(let item, nil): requests.append(BatchRequest(PutRequest: .init(Item: item)))
            case .delete(let key, nil): requests.append(BatchRequest(DeleteRequest: .init(Key: key)))
            default: throw .invalidRequest("a batch write takes puts and deletes without conditions only")
            }
        }
        var start = 0
        while start < requests.count {
            var pending = Array(requests[start..<min(start + Self.maxBatchWrites, requests.count)])
            start += Self.maxBatchWrites
            var attempt = 1
            while true {
                let output = try call("BatchWriteItem", BatchInput(RequestItems: [table: pending]),
                                      as: BatchOutput.self, readOnly: false)
                pending = output.UnprocessedItems?[table] ?? []
                if pending.isEmpty { break }
                guard attempt < attempts else {
                    throw .service(AWSError(.throttled, code: "UnprocessedItems",
                                            message: "\(pending.count) writes of a batch to \(table) were still unprocessed after \(attempts) attempts"))
                }
                let pause = client.retryPolicy.delay(retry: attempt)
                if pause > .zero { Thread.sleep(forTimeInterval: AWSClient.seconds(pause)) }
                attempt += 1
            }
        }
    }

    // Wire shapes: members spelled as DynamoDB spells them; nil members are left out.

    private struct TransactInput: Encodable {
        var TransactItems: [TransactItem]
        var ClientRequestToken: String?
    }

    private struct TransactItem: Encodable {
        struct Action: Encodable {
            var TableName: String
            var Item: DynamoDBItem?
            var Key: DynamoDBItem?
            var UpdateExpression: String?
            var ConditionExpression: String?
            var ExpressionAttributeNames: [String: String]?
            var ExpressionAttributeValues: DynamoDBItem?
            var ReturnValuesOnConditionCheckFailure: String?
        }
        var Put: Action?
        var Update: Action?
        var Delete: Action?
        var ConditionCheck: Action?

        init(table: String, write: DynamoDBWrite, returnOld: Bool) throws(DynamoDBError) {
            let update: DynamoDBExpression? = if case .update(_, let expression, _) = write { expression } else { nil }
            let (names, values) = try DynamoDBExpression.placeholders([update, write.condition])
            var action = Action(TableName: table, ConditionExpression: write.condition?.text,
                                ExpressionAttributeNames: names, ExpressionAttributeValues: values,
                                ReturnValuesOnConditionCheckFailure: returnOld && write.condition != nil ? "ALL_OLD" : nil)
            switch write {
            case .put(let item, _):
                action.Item = item
                Put = action
            case .update(let key, let expression, _):
                action.Key = key
                action.UpdateExpression = expression.text
                Update = action
            case .delete(let key, _):
                action.Key = key
                Delete = action
            case .conditionCheck(let key, _):
                action.Key = key
                ConditionCheck = action
            }
        }
    }

    private struct BatchRequest: Codable {
        struct Put: Codable { var Item: DynamoDBItem }
        struct Delete: Codable { var Key: DynamoDBItem }
        var PutRequest: Put?
        var DeleteRequest: Delete?
    }

    private struct BatchInput: Encodable {
        var RequestItems: [String: [BatchRequest]]
    }

    private struct BatchOutput: Decodable {
        var UnprocessedItems: [String: [BatchRequest]]?
    }

    private struct EmptyOutput: Decodable {}
}
