import Foundation

/// The table itself: CreateTable, DescribeTable, UpdateTimeToLive, DescribeTimeToLive.
extension DynamoDBClient {
    /// DescribeTable; nil when the table does not exist.
    public func describeTable(_ table: String) throws(DynamoDBError) -> DynamoDBTableDescription? {
        do {
            return try call("DescribeTable", TableName(TableName: table), as: DescribeOutput.self, readOnly: true).Table
        } catch .service(let error) where error.kind == .notFound {
            return nil
        }
    }

    /// CreateTable, on demand, with a string partition key `partitionKey` and a string sort key `sortKey`.
    public func createTable(_ table: String, partitionKey: String, sortKey: String) throws(DynamoDBError) -> DynamoDBTableDescription {
        let input = CreateInput(
            TableName: table,
            AttributeDefinitions: [.init(AttributeName: partitionKey, AttributeType: "S"),
                                   .init(AttributeName: sortKey, AttributeType: "S")],
            KeySchema: [.init(AttributeName: partitionKey, KeyType: "HASH"), .init(AttributeName: sortKey, KeyType: "RANGE")],
            BillingMode: "PAY_PER_REQUEST")
        guard let description = try call("CreateTable", input, as: CreateOutput.self, readOnly: false).TableDescription else {
            throw .malformedResponse(operation: "CreateTable")
        }
        return description
    }

    /// UpdateTimeToLive: items whose `attribute` (epoch seconds) has passed are deleted by DynamoDB, late (up to
    /// days), so readers check it themselves.
    public func enableTimeToLive(table: String, attribute: String) throws(DynamoDBError) {
        _ = try call("UpdateTimeToLive",
                     UpdateTTLInput(TableName: table, TimeToLiveSpecification: .init(AttributeName: attribute, Enabled: true)),
                     as: Ignored.self, readOnly: false)
    }

    /// DescribeTimeToLive: the TTL attribute when TTL is on (`ENABLED` or `ENABLING`), else nil.
    public func timeToLiveAttribute(table: String) throws(DynamoDBError) -> String? {
        let output = try call("DescribeTimeToLive", TableName(TableName: table), as: DescribeTTLOutput.self, readOnly: true)
        guard let description = output.TimeToLiveDescription,
              ["ENABLED", "ENABLING"].contains(description.TimeToLiveStatus ?? "") else { return nil }
        return description.AttributeName
    }

    /// The table as `firebreak store init` wants it: created when missing (string keys `partitionKey`, `sortKey`,
    /// on demand), waited for until `ACTIVE` (up to `timeout`), TTL on `ttlAttribute`. A table that exists with
    /// other keys is refused: Firebreak would write items it cannot read back.
    public func ensureTable(_ table: String, partitionKey: String, sortKey: String, ttlAttribute: String,
                            timeout: Duration = .seconds(120)) throws(DynamoDBError) -> DynamoDBTableDescription {
        var description: DynamoDBTableDescription
        if let existing = try describeTable(table) {
            description = existing
        } else {
            do {
                description = try createTable(table, partitionKey: partitionKey, sortKey: sortKey)
            } catch .service(let error) where error.code == "ResourceInUseException" {
                // Another task created it first.
                guard let existing = try describeTable(table) else { throw .service(error) }
                description = existing
            }
        }
        guard description.key("HASH") == partitionKey, description.key("RANGE") == sortKey else {
            throw .invalidRequest("the table \(table) has the keys \(description.key("HASH") ?? "none")/"
                                  + "\(description.key("RANGE") ?? "none"), not \(partitionKey)/\(sortKey)")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while description.status != "ACTIVE" {
            guard clock.now < deadline else {
                throw .service(AWSError(.server, code: "TableNotActive",
                                        message: "the table \(table) was still \(description.status) after \(timeout)"))
            }
            Thread.sleep(forTimeInterval: 1)
            guard let current = try describeTable(table) else {
                throw .service(AWSError(.notFound, code: "ResourceNotFoundException", message: "the table \(table) disappeared"))
            }
            description = current
        }
        if try timeToLiveAttribute(table: table) != ttlAttribute {
            try enableTimeToLive(table: table, attribute: ttlAttribute)
        }
        return description
    }

    // Wire shapes: members spelled as DynamoDB spells them; nil members are left out.

    private struct TableName: Encodable {
        var TableName: String
    }

    private struct DescribeOutput: Decodable {
        var Table: DynamoDBTableDescription?
    }

    private struct CreateInput: Encodable {
        struct Attribute: Encodable { var AttributeName: String; var AttributeType: String }
        struct Key: Encodable { var AttributeName: String; var KeyType: String }
        var TableName: String
        var AttributeDefinitions: [Attribute]
        var KeySchema: [Key]
        var BillingMode: String
    }

    private struct CreateOutput: Decodable {
        var TableDescription: DynamoDBTableDescription?
    }

    private struct UpdateTTLInput: Encodable {
        struct Specification: Encodable { var AttributeName: String; var Enabled: Bool }
        var TableName: String
        var TimeToLiveSpecification: Specification
    }

    private struct DescribeTTLOutput: Decodable {
        struct Description: Decodable { var TimeToLiveStatus: String?; var AttributeName: String? }
        var TimeToLiveDescription: Description?
    }

    private struct Ignored: Decodable {}
}
