/// Single-item reads and writes: GetItem, PutItem, UpdateItem, DeleteItem.
extension DynamoDBClient {
    /// GetItem: the item with `key`, nil when there is none. `consistent` reads every write acknowledged before it.
    public func getItem(table: String, key: DynamoDBItem, consistent: Bool = true) throws(DynamoDBError) -> DynamoDBItem? {
        try call("GetItem", GetItemInput(TableName: table, Key: key, ConsistentRead: consistent),
                 as: ItemOutput.self, readOnly: true).Item
    }

    /// PutItem: writes `item` whole when `condition` holds (always without one). With `returnOld`, a failed
    /// condition carries the item as it was (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), saving a read.
    public func putItem(table: String, item: DynamoDBItem, condition: DynamoDBExpression? = nil,
                        returnOld: Bool = false) throws(DynamoDBError) {
        let (names, values) = try DynamoDBExpression.placeholders([condition])
        _ = try call("PutItem", PutItemInput(TableName: table, Item: item, ConditionExpression: condition?.text,
                                             ExpressionAttributeNames: names, ExpressionAttributeValues: values,
                                             ReturnValuesOnConditionCheckFailure: returnOld ? "ALL_OLD" : nil),
                     as: ItemOutput.self, readOnly: false)
    }

    /// UpdateItem: applies `update` (`SET`, `ADD`, `REMOVE`, `DELETE` clauses) to the item with `key` (created when
    /// missing) when `condition` holds; returns the item as it is after the update (`ReturnValues: ALL_NEW`).
    @discardableResult
    public func updateItem(table: String, key: DynamoDBItem, update: DynamoDBExpression,
                           condition: DynamoDBExpression? = nil, returnOld: Bool = false) throws(DynamoDBError) -> DynamoDBItem {
        let (names, values) = try DynamoDBExpression.placeholders([update, condition])
        let output = try call("UpdateItem", UpdateItemInput(TableName: table, Key: key, UpdateExpression: update.text,
                                                            ConditionExpression: condition?.text,
                                                            ExpressionAttributeNames: names,
                                                            ExpressionAttributeValues: values, ReturnValues: "ALL_NEW",
                                                            ReturnValuesOnConditionCheckFailure: returnOld ? "ALL_OLD" : nil),
                              as: AttributesOutput.self, readOnly: false)
        return output.Attributes ?? [:]
    }

    /// DeleteItem: removes the item with `key` when `condition` holds; returns the item as it was (nil when there
    /// was none).
    @discardableResult
    public func deleteItem(table: String, key: DynamoDBItem, condition: DynamoDBExpression? = nil) throws(DynamoDBError) -> DynamoDBItem? {
        let (names, values) = try DynamoDBExpression.placeholders([condition])
        return try call("DeleteItem", DeleteItemInput(TableName: table, Key: key, ConditionExpression: condition?.text,
                                                      ExpressionAttributeNames: names, ExpressionAttributeValues: values,
                                                      ReturnValues: "ALL_OLD"),
                        as: AttributesOutput.self, readOnly: false).Attributes
    }

    // Wire shapes: members spelled as DynamoDB spells them; nil members are left out.

    private struct GetItemInput: Encodable {
        var TableName: String
        var Key: DynamoDBItem
        var ConsistentRead: Bool
    }

    private struct PutItemInput: Encodable {
        var TableName: String
        var Item: DynamoDBItem
        var ConditionExpression: String?
        var ExpressionAttributeNames: [String: String]?
        var ExpressionAttributeValues: DynamoDBItem?
        var ReturnValuesOnConditionCheckFailure: String?
    }

    private struct UpdateItemInput: Encodable {
        var TableName: String
        var Key: DynamoDBItem
        var UpdateExpression: String
        var ConditionExpression: String?
        var ExpressionAttributeNames: [String: String]?
        var ExpressionAttributeValues: DynamoDBItem?
        var ReturnValues: String
        var ReturnValuesOnConditionCheckFailure: String?
    }

    private struct DeleteItemInput: Encodable {
        var TableName: String
        var Key: DynamoDBItem
        var ConditionExpression: String?
        var ExpressionAttributeNames: [String: String]?
        var ExpressionAttributeValues: DynamoDBItem?
        var ReturnValues: String
    }

    private struct ItemOutput: Decodable {
        var Item: DynamoDBItem?
    }

    private struct AttributesOutput: Decodable {
        var Attributes: DynamoDBItem?
    }
}
