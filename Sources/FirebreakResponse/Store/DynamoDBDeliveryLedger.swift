import FirebreakAWS
import Foundation

/// Firehose request ids in the shared state table (issue 15), so that a redelivery landing on any task is answered
/// once: a task claims a delivery with a lease before it evaluates it and marks it done when it commits. The item is
/// `pk = req#<request id>`, `sk = -`, with `status` (`IN_PROGRESS` or `DONE`), `owner` (the task), `lease_until`
/// (ms) and `expires_at` (epoch seconds, the table's TTL). TTL deletes late, so an item past `expires_at` is
/// treated as absent here. This is the idempotency design of AWS Powertools (a conditional put returning the item
/// it lost to, so no second read).
public struct DynamoDBDeliveryLedger: Sendable {
    /// What a claim found.
    public enum Claim: Sendable, Equatable {
        /// This task holds the delivery until its lease ends.
        case claimed
        /// The delivery was committed (by any task): answer 200 without effects.
        case done
        /// Another task holds a live lease until then: answer 503, Firehose tries again.
        case held(until: Date)
    }

    public let dynamo: DynamoDBClient
    public let table: String
    /// This task's name in `owner` (the ECS task id, or host and process).
    public let owner: String
    /// How long a done delivery's id is kept (`store.retention.deliveries`; longer than Firehose retries).
    public let retention: TimeInterval

    public init(dynamo: DynamoDBClient, table: String, owner: String, retention: TimeInterval) {
        self.dynamo = dynamo
        self.table = table
        self.owner = owner
        self.retention = retention
    }

    /// Claims `requestID` for `lease` seconds: new, expired, or held by a lease that ran out.
    public func claim(_ requestID: String, now: Date, lease: TimeInterval) throws(StoreError) -> Claim {
        let item: DynamoDBItem = key(requestID).merging([
            "status": .string(Self.inProgress), "owner": .string(owner),
            "lease_until": .integer(now.addingTimeInterval(lease).storeMillis),
            "expires_at": .integer(Self.seconds(now.addingTimeInterval(max(retention, lease)))),
        ]) { $1 }
        let free = DynamoDBExpression(
            "attribute_not_exists(pk) OR expires_at < :nowSeconds OR (#s = :inProgress AND lease_until < :nowMillis)",
            names: ["#s": "status"],
            values: [":nowSeconds": .integer(Self.seconds(now)), ":inProgress": .string(Self.inProgress),
                     ":nowMillis": .integer(now.storeMillis)])
        do {
            try dynamo.putItem(table: table, item: item, condition: free, returnOld: true)
            return .claimed
        } catch .conditionalCheckFailed(let old) {
            if old?["status"]?.stringValue == Self.done { return .done }
            let until = old?["lease_until"]?.int64Value ?? now.storeMillis
            return .held(until: Date(storeMillis: until))
        } catch {
            throw .dynamoDB(table: table, operation: "claim delivery \(requestID)", error: error)
        }
    }

    /// Marks a delivery this task holds as done, kept for `retention`. Done already by this task: nothing to do.
    /// Taken over by another task (this lease ran out): `leaseLost`, and this task must not acknowledge it.
    public func markDone(_ requestID: String, now: Date) throws(StoreError) {
        let update = DynamoDBExpression("SET #s = :done, expires_at = :expires REMOVE lease_until",
                                        names: ["#s": "status"],
                                        values: [":done": .string(Self.done),
                                                 ":expires": .integer(Self.seconds(now.addingTimeInterval(retention)))])
        do {
            try dynamo.updateItem(table: table, key: key(requestID), update: update, condition: heldByThisTask(), returnOld: true)
        } catch .conditionalCheckFailed(let old) {
            if old?["status"]?.stringValue == Self.done, old?["owner"]?.stringValue == owner { return }
            throw .leaseLost(requestID: requestID)
        } catch {
            throw .dynamoDB(table: table, operation: "mark delivery \(requestID) done", error: error)
        }
    }

    /// Gives up a claim this task holds (its evaluation failed), so that Firehose's next try is claimed at once
    /// instead of after the lease. A claim no longer this task's is left alone.
    public func release(_ requestID: String) throws(StoreError) {
        do {
            try dynamo.deleteItem(table: table, key: key(requestID), condition: heldByThisTask())
        } catch .conditionalCheckFailed {
            return
        } catch {
            throw .dynamoDB(table: table, operation: "release delivery \(requestID)", error: error)
        }
    }

    /// Whether `requestID` was committed and is still within its retention.
    public func isDone(_ requestID: String, now: Date) throws(StoreError) -> Bool {
        let item: DynamoDBItem?
        do {
            item = try dynamo.getItem(table: table, key: key(requestID))
        } catch {
            throw .dynamoDB(table: table, operation: "read delivery \(requestID)", error: error)
        }
        guard let item, item["status"]?.stringValue == Self.done else { return false }
        return (item["expires_at"]?.int64Value ?? 0) >= Self.seconds(now)
    }

    private func key(_ requestID: String) -> DynamoDBItem {
        ["pk": .string("req#" + requestID), "sk": .string("-")]
    }

    private func heldByThisTask() -> DynamoDBExpression {
        DynamoDBExpression("#s = :inProgress AND #o = :me", names: ["#s": "status", "#o": "owner"],
                           values: [":inProgress": .string(Self.inProgress), ":me": .string(owner)])
    }

    private static let inProgress = "IN_PROGRESS"
    private static let done = "DONE"

    /// Epoch seconds, clamped like `storeMillis` (a lease or retention from the configuration never traps here).
    private static func seconds(_ date: Date) -> Int64 { date.storeMillis / 1000 }
}
