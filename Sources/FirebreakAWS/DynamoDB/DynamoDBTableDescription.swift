/// What DescribeTable says of a table, as far as Firebreak uses it.
public struct DynamoDBTableDescription: Sendable, Hashable, Decodable {
    public struct KeyElement: Sendable, Hashable, Decodable {
        public var attributeName: String
        /// `HASH` or `RANGE`.
        public var keyType: String
        enum CodingKeys: String, CodingKey { case attributeName = "AttributeName", keyType = "KeyType" }
    }

    public var tableName: String
    /// `CREATING`, `ACTIVE`, `UPDATING`, `DELETING`, ...
    public var status: String
    public var keySchema: [KeyElement]
    public var tableARN: String?

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName", status = "TableStatus", keySchema = "KeySchema", tableARN = "TableArn"
    }

    /// The attribute of the partition key (`HASH`) or of the sort key (`RANGE`).
    public func key(_ type: String) -> String? {
        keySchema.first { $0.keyType == type }?.attributeName
    }
}
