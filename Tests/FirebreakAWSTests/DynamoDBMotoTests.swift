import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakAWS

/// DynamoDB through the real signer and libcurl transport against `moto_server`, signature and IAM checking on:
/// the table as `firebreak store init` makes it, and the conditional writes the shared state is built from
/// (INTEGRATIONS.md 3.3).
@Suite(.serialized, .motoServer)
struct DynamoDBMotoTests {
    let moto: MotoServer
    let dynamo: DynamoDBClient
    let table = "firebreak-state"

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        dynamo = try moto.stateTable(table)
    }

    private func key(_ pk: String, _ sk: String = "-") -> DynamoDBItem { ["pk": .string(pk), "sk": .string(sk)] }

    @Test func ensureTableCreatesOnceWithTTLAndRefusesOtherKeys() throws {
        let description = try #require(try dynamo.describeTable(table))
        #expect(description.status == "ACTIVE")
        #expect(description.key("HASH") == "pk" && description.key("RANGE") == "sk")
        #expect(try dynamo.timeToLiveAttribute(table: table) == "expires_at")
        // Again: the table is there, nothing changes.
        #expect(try dynamo.ensureTable(table, partitionKey: "pk", sortKey: "sk", ttlAttribute: "expires_at").tableName == table)
        #expect(try dynamo.describeTable("missing-table") == nil)

        _ = try dynamo.createTable("other-keys", partitionKey: "id", sortKey: "range")
        #expect(throws: DynamoDBError.self) {
            try dynamo.ensureTable("other-keys", partitionKey: "pk", sortKey: "sk", ttlAttribute: "expires_at")
        }
    }

    /// The Firehose request id claim: the first put wins; the second fails its condition and sees the first's item.
    @Test func conditionalPutClaimsOnceAndReturnsTheItemItLostTo() throws {
        let claim = DynamoDBExpression("attribute_not_exists(pk)")
        try dynamo.putItem(table: table, item: key("req#7e0c") .merging(["status": .string("IN_PROGRESS"), "expires_at": .integer(1_900_000_000)]) { $1 },
                           condition: claim, returnOld: true)
        let error = #expect(throws: DynamoDBError.self) {
            try dynamo.putItem(table: table, item: key("req#7e0c").merging(["status": .string("IN_PROGRESS")]) { $1 },
                               condition: claim, returnOld: true)
        }
        guard case .conditionalCheckFailed(let item)? = error else {
            Issue.record("expected a failed condition, got \(String(describing: error))")
            return
        }
        #expect(item?["status"] == .string("IN_PROGRESS"))
        #expect(item?["expires_at"]?.int64Value == 1_900_000_000)

        let done = try dynamo.updateItem(table: table, key: key("req#7e0c"),
                                         update: DynamoDBExpression("SET #s = :done", names: ["#s": "status"],
                                                                    values: [":done": .string("DONE")]))
        #expect(done["status"] == .string("DONE"))
        #expect(try dynamo.getItem(table: table, key: key("req#7e0c"))?["status"] == .string("DONE"))
        #expect(try dynamo.getItem(table: table, key: key("req#absent")) == nil)
    }

    /// The blast radius: a counter incremented only below its limit, the limit's refusal typed.
    @Test func counterBelowALimitStopsAtTheLimit() throws {
        let increment = DynamoDBExpression("ADD #n :one", names: ["#n": "n"], values: [":one": .integer(1)])
        let below = DynamoDBExpression("attribute_not_exists(#n) OR #n < :limit", names: ["#n": "n"],
                                       values: [":limit": .integer(5)])
        var granted = 0, refused = 0
        for _ in 0..<8 {
            do {
                let after = try dynamo.updateItem(table: table, key: key("blast#isolate#2026120414"), update: increment, condition: below)
                granted += 1
                #expect(after["n"]?.int64Value == Int64(granted))
            } catch .conditionalCheckFailed {
                refused += 1
            }
        }
        #expect(granted == 5 && refused == 3)
        let deleted = try dynamo.deleteItem(table: table, key: key("blast#isolate#2026120414"))
        #expect(deleted?["n"]?.int64Value == 5)
        #expect(try dynamo.getItem(table: table, key: key("blast#isolate#2026120414")) == nil)
    }

    /// Many items of one partition, written in batches and read back in sort-key order over several pages.
    @Test func batchWriteThenQueryPageByPage() throws {
        let writes = (0..<60).map { i in
            DynamoDBWrite.put(item: key("vc#rule#group", "b#\(String(format: "%04d", i))").merging(["cnt": .integer(i)]) { $1 })
        }
        try dynamo.batchWrite(table: table, writes)
        let condition = DynamoDBExpression("pk = :pk AND sk BETWEEN :from AND :to",
                                           values: [":pk": .string("vc#rule#group"), ":from": .string("b#0010"),
                                                    ":to": .string("b#0049")])
        let first = try dynamo.query(table: table, keyCondition: condition, limit: 15)
        #expect(first.items.count == 15)
        #expect(first.items.first?["sk"] == .string("b#0010"))
        #expect(first.lastEvaluatedKey != nil)
        let all = try dynamo.queryAll(table: table, keyCondition: condition)
        #expect(all.map { $0["cnt"]?.int64Value ?? -1 } == (10...49).map(Int64.init))
        let late = try dynamo.queryAll(table: table, keyCondition: condition,
                                      filter: DynamoDBExpression("cnt >= :min", values: [":min": .integer(40)]),
                                      ascending: false)
        #expect(late.map { $0["cnt"]?.int64Value ?? -1 } == (40...49).reversed().map(Int64.init))
        #expect(throws: DynamoDBError.self) { try dynamo.queryAll(table: table, keyCondition: condition, maxItems: 20) }
    }

    /// All or nothing: a transaction whose second write fails its condition applies neither, and says which.
    @Test func transactionAppliesAllOrNothing() throws {
        try dynamo.putItem(table: table, item: key("act#i-0abc#isolate").merging(["owner": .string("task-a")]) { $1 })
        let lease = DynamoDBExpression("attribute_not_exists(pk)")
        let error = #expect(throws: DynamoDBError.self) {
            try dynamo.transactWrite(table: table, [
                .put(item: key("finding#f1").merging(["count": .integer(1)]) { $1 }),
                .put(item: key("act#i-0abc#isolate").merging(["owner": .string("task-b")]) { $1 }, condition: lease),
            ], returnOld: true)
        }
        guard case .transactionCanceled(let reasons)? = error else {
            Issue.record("expected a cancelled transaction, got \(String(describing: error))")
            return
        }
        #expect(reasons.map(\.code) == ["None", "ConditionalCheckFailed"])
        #expect(try dynamo.getItem(table: table, key: key("finding#f1")) == nil)
        #expect(try dynamo.getItem(table: table, key: key("act#i-0abc#isolate"))?["owner"] == .string("task-a"))

        try dynamo.transactWrite(table: table, [
            .put(item: key("finding#f1").merging(["count": .integer(1)]) { $1 }),
            .update(key: key("act#i-0abc#isolate"), update: DynamoDBExpression("SET #o = :b", names: ["#o": "owner"],
                                                                                values: [":b": .string("task-b")]),
                    condition: DynamoDBExpression("#o = :a", names: ["#o": "owner"], values: [":a": .string("task-a")])),
            .conditionCheck(key: key("req#7e0c"), condition: DynamoDBExpression("attribute_not_exists(pk)")),
        ], token: "delivery-7e0c")
        #expect(try dynamo.getItem(table: table, key: key("finding#f1"))?["count"]?.int64Value == 1)
        #expect(try dynamo.getItem(table: table, key: key("act#i-0abc#isolate"))?["owner"] == .string("task-b"))
    }

    /// Signed with keys moto does not know: access denied, typed, not a failed condition.
    @Test func unknownKeysAreDenied() {
        let stranger = DynamoDBClient(client: moto.client(signingName: DynamoDBClient.signingName,
                                                          credentials: AWSCredentials(accessKeyID: "AKIDSTRANGER", secretAccessKey: "x")))
        let error = #expect(throws: DynamoDBError.self) { try stranger.getItem(table: table, key: key("req#1")) }
        guard case .service(let aws)? = error else {
            Issue.record("expected a service error, got \(String(describing: error))")
            return
        }
        #expect(aws.kind == .accessDenied)
    }
}
