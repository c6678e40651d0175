import Foundation
import Testing
@testable import FirebreakAWS

/// The DynamoDB client's wire contract without a server: attribute values as DynamoDB writes them, the request
/// each operation sends, and the errors a conditional write is built to get.
@Suite struct DynamoDBWireTests {
    private func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func value(_ text: String) throws -> DynamoDBValue {
        try JSONDecoder().decode(DynamoDBValue.self, from: Data(text.utf8))
    }

    /// Every attribute type, as the DynamoDB API reference's AttributeValue spells it.
    @Test(arguments: [
        (DynamoDBValue.string("req#1"), #"{"S":"req#1"}"#),
        (.number("42"), #"{"N":"42"}"#),
        (.integer(Int64(-7)), #"{"N":"-7"}"#),
        (.binary([0x64, 0x47, 0x68]), #"{"B":"ZEdo"}"#),
        (.bool(true), #"{"BOOL":true}"#),
        (.null, #"{"NULL":true}"#),
        (.list([.string("a"), .number("1")]), #"{"L":[{"S":"a"},{"N":"1"}]}"#),
        (.map(["count": .number("3")]), #"{"M":{"count":{"N":"3"}}}"#),
        (.stringSet(["22", "443"]), #"{"SS":["22","443"]}"#),
        (.numberSet(["1", "2.5"]), #"{"NS":["1","2.5"]}"#),
        (.binarySet([[1], [2, 3]]), #"{"BS":["AQ==","AgM="]}"#),
    ])
    func attributeValuesRoundTrip(_ attribute: DynamoDBValue, _ wire: String) throws {
        #expect(try json(attribute) == wire)
        #expect(try value(wire) == attribute)
    }

    @Test func malformedAttributeValuesAreRefused() {
        #expect(throws: DecodingError.self) { try value(#"{"S":"a","N":"1"}"#) }
        #expect(throws: DecodingError.self) { try value(#"{}"#) }
        #expect(throws: DecodingError.self) { try value(#"{"X":"a"}"#) }
        #expect(throws: DecodingError.self) { try value(#"{"B":"not base64!"}"#) }
        #expect(throws: DecodingError.self) { try value(#"{"N":3}"#) }
    }

    @Test func numbersReadAsIntegersOnlyWhenTheyFit() {
        #expect(DynamoDBValue.number("9223372036854775807").int64Value == .max)
        #expect(DynamoDBValue.number("9223372036854775808").int64Value == nil)
        #expect(DynamoDBValue.number("1.5").int64Value == nil)
        #expect(DynamoDBValue.string("1").int64Value == nil)
    }

    @Test func placeholdersOfOneRequestMergeAndConflictsAreRefused() throws {
        let update = DynamoDBExpression("ADD #c :one", names: ["#c": "count"], values: [":one": .number("1")])
        let condition = DynamoDBExpression("attribute_not_exists(#c) OR #c < :max", names: ["#c": "count"],
                                           values: [":max": .number("5")])
        let merged = try DynamoDBExpression.placeholders([update, condition])
        #expect(merged.names == ["#c": "count"])
        #expect(merged.values == [":one": .number("1"), ":max": .number("5")])
        #expect(try DynamoDBExpression.placeholders([nil]).names == nil)

        let clash = DynamoDBExpression("attribute_exists(#c)", names: ["#c": "created_at"])
        #expect(throws: DynamoDBError.invalidRequest("the placeholder #c names both count and created_at")) {
            try DynamoDBExpression.placeholders([update, clash])
        }
        let other = DynamoDBExpression(":one > :zero", values: [":one": .number("2"), ":zero": .number("0")])
        #expect(throws: DynamoDBError.self) { try DynamoDBExpression.placeholders([update, other]) }
    }

    /// UpdateItem as sent: JSON 1.0, the target, the placeholders of both expressions, ALL_NEW.
    @Test func updateItemRequestOnTheWire() throws {
        let transport = ScriptedTransport([.respond(200, #"{"Attributes":{"pk":{"S":"k"},"n":{"N":"2"}}}"#)])
        let client = DynamoDBClient(client: makeClient(transport, service: "dynamodb"))
        let after = try client.updateItem(
            table: "firebreak-state", key: ["pk": .string("k"), "sk": .string("-")],
            update: DynamoDBExpression("ADD #n :one", names: ["#n": "n"], values: [":one": .number("1")]),
            condition: DynamoDBExpression("attribute_not_exists(#n) OR #n < :limit", values: [":limit": .number("5")]))
        #expect(after["n"] == .number("2"))
        let request = try #require(transport.sent.first)
        #expect(request.header("Content-Type") == "application/x-amz-json-1.0")
        #expect(request.header("X-Amz-Target") == "DynamoDB_20120810.UpdateItem")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["TableName"] as? String == "firebreak-state")
        #expect(body["UpdateExpression"] as? String == "ADD #n :one")
        #expect(body["ConditionExpression"] as? String == "attribute_not_exists(#n) OR #n < :limit")
        #expect(body["ExpressionAttributeNames"] as? [String: String] == ["#n": "n"])
        let values = try #require(body["ExpressionAttributeValues"] as? [String: [String: String]])
        #expect(values == [":one": ["N": "1"], ":limit": ["N": "5"]])
        #expect(body["ReturnValues"] as? String == "ALL_NEW")
        #expect(body["ReturnValuesOnConditionCheckFailure"] == nil)
    }

    /// A failed condition is its own error, with the old item when it came back; writes are not retried after it.
    @Test func conditionalCheckFailedCarriesTheOldItem() {
        let body = #"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed","Item":{"pk":{"S":"req#1"},"status":{"S":"DONE"}}}"#
        let transport = ScriptedTransport([.respond(400, body)])
        let client = DynamoDBClient(client: makeClient(transport, service: "dynamodb"))
        #expect(throws: DynamoDBError.conditionalCheckFailed(item: ["pk": .string("req#1"), "status": .string("DONE")])) {
            try client.putItem(table: "t", item: ["pk": .string("req#1")],
                               condition: DynamoDBExpression("attribute_not_exists(pk)"), returnOld: true)
        }
        #expect(transport.sent.count == 1)
        let sent = (try? JSONSerialization.jsonObject(with: Data(transport.sent[0].body))) as? [String: Any]
        #expect(sent?["ReturnValuesOnConditionCheckFailure"] as? String == "ALL_OLD")
    }

    @Test func cancelledTransactionCarriesOneReasonPerWrite() {
        let body = #"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]","CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed","Item":{"pk":{"S":"b"}}}]}"#
        let transport = ScriptedTransport([.respond(400, body)])
        let client = DynamoDBClient(client: makeClient(transport, service: "dynamodb"))
        let expected = DynamoDBError.transactionCanceled(reasons: [
            DynamoDBCancellationReason(code: "None"),
            DynamoDBCancellationReason(code: "ConditionalCheckFailed", message: "The conditional request failed",
                                       item: ["pk": .string("b")]),
        ])
        #expect(throws: expected) {
            try client.transactWrite(table: "t", [.put(item: ["pk": .string("a")]),
                                                  .put(item: ["pk": .string("b")], condition: DynamoDBExpression("attribute_not_exists(pk)"))],
                                     returnOld: true)
        }
        #expect(!expected.isRetryable)
        #expect(DynamoDBError.transactionCanceled(reasons: [.init(code: "None"), .init(code: "TransactionConflict")]).isRetryable)
        #expect(!DynamoDBError.transactionCanceled(reasons: [.init(code: "None")]).isRetryable)
    }

    /// Throttling (DynamoDB's own code included) is retried for a write: DynamoDB did not apply it.
    @Test func throttledWritesAreRetried() throws {
        let throttled = #"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"#
        let transport = ScriptedTransport([.respond(400, throttled), .respond(200, "{}")])
        let client = DynamoDBClient(client: makeClient(transport, service: "dynamodb"))
        try client.putItem(table: "t", item: ["pk": .string("a")])
        #expect(transport.sent.count == 2)
    }

    /// A 5xx after a write may have applied it: not retried, reported as a service error.
    @Test func serverErrorOnAWriteIsNotRetried() {
        let transport = ScriptedTransport([.respond(500, #"{"__type":"InternalServerError","message":"oops"}"#)])
        let client = DynamoDBClient(client: makeClient(transport, service: "dynamodb"))
        let error = #expect(throws: DynamoDBError.self) {
            try client.updateItem(table: "t", key: ["pk": .string("a")], update: DynamoDBExpression("ADD n :one", values: [":one": .number("1")]))
        }
        guard case .service(let aws)? = error else {
            Issue.record("expected a service error, got \(String(describing: error))")
            return
        }
        #expect(aws.kind == .server)
        #expect(transport.sent.count == 1)
    }

    @Test func requestsOverTheLimitsAreRefusedBeforeSending() {
        let transport = ScriptedTransport([.respond(200, "{}")])
        let client = DynamoDBClient(client: makeClient(transport, service: "dynamodb"))
        let writes = (0...DynamoDBClient.maxTransactionWrites).map { DynamoDBWrite.put(item: ["pk": .string("\($0)")]) }
        #expect(throws: DynamoDBError.self) { try client.transactWrite(table: "t", writes) }
        #expect(throws: DynamoDBError.self) {
            try client.batchWrite(table: "t", [.put(item: ["pk": .string("a")], condition: DynamoDBExpression("attribute_not_exists(pk)"))])
        }
        #expect(throws: DynamoDBError.self) { try client.transactWrite(table: "t", [writes[0]], token: String(repeating: "x", count: 37)) }
        #expect(throws: DynamoDBError.self) {
            try client.query(table: "t", keyCondition: DynamoDBExpression("pk = :p", values: [":p": .string("a")]), limit: 0)
        }
        #expect(transport.sent.isEmpty)
    }

    /// Writes DynamoDB keeps leaving unprocessed: given up after the attempts, as throttled, never reported done.
    @Test func batchWriteGivesUpOnWritesThatStayUnprocessed() {
        let unprocessed = #"{"UnprocessedItems":{"t":[{"PutRequest":{"Item":{"pk":{"S":"0"}}}}]}}"#
        let transport = ScriptedTransport([.respond(200, unprocessed)])
        let client = DynamoDBClient(client: makeClient(transport, service: "dynamodb"))
        let error = #expect(throws: DynamoDBError.self) {
            try client.batchWrite(table: "t", [.put(item: ["pk": .string("0")])], attempts: 3)
        }
        guard case .service(let aws)? = error else {
            Issue.record("expected a service error, got \(String(describing: error))")
            return
        }
        #expect(aws.kind == .throttled)
        #expect(transport.sent.count == 3)
    }

    /// A 2xx answer that is not the operation's output shape is its own error, naming the operation.
    @Test func malformedAnswerIsNamed() {
        let transport = ScriptedTransport([.respond(200, #"{"Item":{"pk":{"X":"?"}}}"#)])
        let client = DynamoDBClient(client: makeClient(transport, service: "dynamodb"))
        #expect(throws: DynamoDBError.malformedResponse(operation: "GetItem")) {
            try client.getItem(table: "t", key: ["pk": .string("a")])
        }
    }

    /// Unprocessed writes go again, only those, until none is left.
    @Test func batchWriteSendsUnprocessedItemsAgain() throws {
        let unprocessed = #"{"UnprocessedItems":{"t":[{"PutRequest":{"Item":{"pk":{"S":"24"}}}}]}}"#
        let transport = ScriptedTransport([.respond(200, unprocessed), .respond(200, #"{"UnprocessedItems":{}}"#)])
        let client = DynamoDBClient(client: makeClient(transport, service: "dynamodb"))
        try client.batchWrite(table: "t", (0..<26).map { DynamoDBWrite.put(item: ["pk": .string("\($0)")]) })
        // 25, the unprocessed one again, then the 26th.
        #expect(transport.sent.count == 3)
        let counts = transport.sent.map { request -> Int in
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
            return ((body?["RequestItems"] as? [String: Any])?["t"] as? [Any])?.count ?? -1
        }
        #expect(counts == [25, 1, 1])
    }
}
