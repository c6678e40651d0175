/// Query: the items of one partition, in sort-key order, a page at a time.
extension DynamoDBClient {
    /// One page of a Query.
    public struct QueryPage: Sendable {
        public var items: [DynamoDBItem]
        /// Where the next page starts; nil when this was the last one.
        public var lastEvaluatedKey: DynamoDBItem?
    }

    /// One page of the items matching `keyCondition` (the partition key, and optionally a sort-key range), then
    /// `filter` (applied after reading: it saves transfer, not read capacity). `limit` caps the items read for the
    /// page; pass a page's `lastEvaluatedKey` as `startKey` for the next.
    public func query(table: String, keyCondition: DynamoDBExpression, filter: DynamoDBExpression? = nil,
                      limit: Int? = nil, startKey: DynamoDBItem? = nil, ascending: Bool = true,
                      consistent: Bool = true) throws(DynamoDBError) -> QueryPage {
        if let limit, limit < 1 { throw .invalidRequest("a query limit is at least 1 (got \(limit))") }
        let (names, values) = try DynamoDBExpression.placeholders([keyCondition, filter])
        let output = try call("Query", QueryInput(TableName: table, KeyConditionExpression: keyCondition.text,
                                                  FilterExpression: filter?.text, ExpressionAttributeNames: names,
                                                  ExpressionAttributeValues: values, Limit: limit,
                                                  ExclusiveStartKey: startKey, ScanIndexForward: ascending,
                                                  ConsistentRead: consistent),
                              as: QueryOutput.self, readOnly: true)
        return QueryPage(items: output.Items ?? [], lastEvaluatedKey: output.LastEvaluatedKey)
    }

    /// Every page of a query, up to `maxItems` items: more is `invalidRequest` (a partition that grew past what
    /// the caller expects is an error to see, not memory to spend).
    public func queryAll(table: String, keyCondition: DynamoDBExpression, filter: DynamoDBExpression? = nil,
                         ascending: Bool = true, maxItems: Int = 10_000) throws(DynamoDBError) -> [DynamoDBItem] {
        var items: [DynamoDBItem] = []
        var start: DynamoDBItem?
        repeat {
            let page = try query(table: table, keyCondition: keyCondition, filter: filter, startKey: start,
                                 ascending: ascending)
            items += page.items
            if items.count > maxItems {
                throw .invalidRequest("the query matched more than \(maxItems) items")
            }
            start = page.lastEvaluatedKey
        } while start != nil
        return items
    }

    private struct QueryInput: Encodable {
        var TableName: String
        var KeyConditionExpression: String
        var FilterExpression: String?
        var ExpressionAttributeNames: [String: String]?
        var ExpressionAttributeValues: DynamoDBItem?
        var Limit: Int?
        var ExclusiveStartKey: DynamoDBItem?
        var ScanIndexForward: Bool
        var ConsistentRead: Bool
    }

    private struct QueryOutput: Decodable {
        var Items: [DynamoDBItem]?
        var LastEvaluatedKey: DynamoDBItem?
    }
}
