import FirebreakAWS
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakResponse

/// Firehose request ids in the shared table, two tasks on one table of `moto_server` (signature checking on): one
/// claim wins, a done delivery is answered as done by any task, a lease that ran out is taken over and its first
/// holder may no longer acknowledge it.
@Suite(.serialized, .motoServer)
struct DynamoDBDeliveryLedgerTests {
    let taskA: DynamoDBDeliveryLedger
    let taskB: DynamoDBDeliveryLedger
    let t0 = Date(timeIntervalSince1970: 1_764_840_000)

    init() throws {
        let moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        let dynamo = try moto.stateTable()
        taskA = DynamoDBDeliveryLedger(dynamo: dynamo, table: "firebreak-state", owner: "task-a", retention: 86_400)
        taskB = DynamoDBDeliveryLedger(dynamo: dynamo, table: "firebreak-state", owner: "task-b", retention: 86_400)
    }

    @Test func oneClaimWinsAndADoneDeliveryIsDoneForEveryTask() throws {
        #expect(try taskA.claim("7e0c", now: t0, lease: 60) == .claimed)
        #expect(try taskB.claim("7e0c", now: t0.addingTimeInterval(1), lease: 60) == .held(until: t0.addingTimeInterval(60)))
        #expect(try !taskB.isDone("7e0c", now: t0))
        try taskA.markDone("7e0c", now: t0.addingTimeInterval(2))
        try taskA.markDone("7e0c", now: t0.addingTimeInterval(3))   // repeated after a lost answer: fine
        #expect(try taskB.claim("7e0c", now: t0.addingTimeInterval(120), lease: 60) == .done)
        #expect(try taskA.claim("7e0c", now: t0.addingTimeInterval(120), lease: 60) == .done)
        #expect(try taskB.isDone("7e0c", now: t0.addingTimeInterval(3600)))
        // Past its retention (TTL deletes late, moto never): absent again, claimable.
        #expect(try !taskB.isDone("7e0c", now: t0.addingTimeInterval(86_400 + 10)))
        #expect(try taskB.claim("7e0c", now: t0.addingTimeInterval(86_400 + 10), lease: 60) == .claimed)
    }

    @Test func aLeaseThatRanOutIsTakenOverAndItsHolderMayNotAcknowledge() throws {
        #expect(try taskA.claim("9f1d", now: t0, lease: 30) == .claimed)
        #expect(try taskB.claim("9f1d", now: t0.addingTimeInterval(31), lease: 30) == .claimed)
        #expect(throws: StoreError.leaseLost(requestID: "9f1d")) { try taskA.markDone("9f1d", now: t0.addingTimeInterval(32)) }
        // A's release leaves B's claim alone.
        try taskA.release("9f1d")
        #expect(try taskA.claim("9f1d", now: t0.addingTimeInterval(33), lease: 30) == .held(until: t0.addingTimeInterval(61)))
        try taskB.markDone("9f1d", now: t0.addingTimeInterval(34))
        #expect(try taskA.isDone("9f1d", now: t0.addingTimeInterval(35)))
    }

    @Test func aReleasedClaimIsClaimableAtOnce() throws {
        #expect(try taskA.claim("c4a2", now: t0, lease: 300) == .claimed)
        try taskA.release("c4a2")
        #expect(try taskB.claim("c4a2", now: t0.addingTimeInterval(1), lease: 300) == .claimed)
        #expect(throws: StoreError.leaseLost(requestID: "c4a2")) { try taskA.markDone("c4a2", now: t0.addingTimeInterval(2)) }
    }

    /// A lease or retention far past any date (a misconfiguration) is clamped, never a trap.
    @Test func anEndlessLeaseIsClampedNotATrap() throws {
        let moto = try #require(MotoServer.current)
        let endless = DynamoDBDeliveryLedger(dynamo: moto.dynamoDB, table: "firebreak-state", owner: "task-c",
                                             retention: .greatestFiniteMagnitude)
        #expect(try endless.claim("e5b1", now: t0, lease: .infinity) == .claimed)
        #expect(try taskA.claim("e5b1", now: t0.addingTimeInterval(86_400 * 365), lease: 30) == .held(until: Date(storeMillis: .max)))
        try endless.markDone("e5b1", now: t0)
        #expect(try taskA.isDone("e5b1", now: t0.addingTimeInterval(86_400 * 365)))
    }

    /// A table that is not there: a typed error naming the table, not a claim.
    @Test func aMissingTableIsAStoreErrorNamingIt() throws {
        let moto = try #require(MotoServer.current)
        let dynamo = moto.dynamoDB
        let ledger = DynamoDBDeliveryLedger(dynamo: dynamo, table: "no-such-table", owner: "task-a", retention: 60)
        let error = #expect(throws: StoreError.self) { try ledger.claim("1", now: t0, lease: 30) }
        guard case .dynamoDB(let table, _, .service(let aws))? = error else {
            Issue.record("expected a DynamoDB service error, got \(String(describing: error))")
            return
        }
        #expect(table == "no-such-table")
        #expect(aws.kind == .notFound)
        #expect(error?.description.contains("no-such-table") == true)
    }
}
