import FirebreakAWS
import Foundation
import Synchronization

/// The state of several Firebreak tasks in one DynamoDB table (issue 15, `store.backend: dynamodb`): what
/// `ResponseStore` keeps in a file, shared, so that a redelivery landing on any task is answered once, a finding is
/// counted once, an action is carried out once by whichever task claims it, and a task that dies loses nothing
/// (its leases run out and the others take its actions over).
///
/// The items (`pk`, `sk`; `expires_at` is the table's TTL, and reads treat an item past it as absent):
/// - `req#<request id>` — the delivery ledger (`DynamoDBDeliveryLedger`);
/// - `finding#<id>` / `-` — a finding with its aggregation (`DynamoDBFindingTable`), and in the same partition
///   `action#<playbook>#<sequence>#<id>`, its actions (`DynamoDBActionItem`); `action#<id>` / `-` points to them;
/// - `idem#<idempotency key>` / `-` — the action planned for a key, for the idempotency window;
/// - `outbox#<shard>` / `<created ms>#<finding>#<playbook>` — plans with actions not yet final, what `claim` reads;
/// - `summary` / `<window end ms>#<finding>#<action>` — alerts that want a summary when their window closes;
/// - `findings#<day stored>` / `<event ms>#<id>` — the findings stored on a day, for `findings(since:...)`;
/// - `counts` / `actions#<shard>` — actions that reached each final state, by step (`<step>|<state>`), in 16 shards
///   by action id, added once the action ended (pending and running ones are counted from the open plans);
/// - `blast#<window start ms>` / `-` — destructive steps reserved in a blast-radius window (`reserveDestructive`).
public final class DynamoDBStateStore: StateStore {
    public let dynamo: DynamoDBClient
    public let table: String
    /// This task's name in leases (`owner`).
    public let owner: String
    /// An action whose idempotency key has an action created less than this long ago is not planned again.
    public let idempotencyWindow: TimeInterval
    public let retention: RetentionPolicy
    /// How long a task holds a delivery it is committing before another may take it over.
    public let deliveryLease: TimeInterval
    let ledger: DynamoDBDeliveryLedger
    let findingTable: DynamoDBFindingTable
    /// Where recently read actions live (action id → finding id, playbook, sequence), so that `finish` after `claim`
    /// does not read the pointer item again. Bounded: cleared when full.
    let locations = Mutex<[String: DynamoDBItem]>([:])
    /// The last failed write, for `health` (a probe reads the table at most once a second after it).
    let lastFailure = Mutex<StoreWriteFailure?>(nil)
    /// Shards of the outbox index: plans are spread over this many partitions.
    static let outboxShards = 4

    public init(dynamo: DynamoDBClient, table: String, owner: String, idempotencyWindow: TimeInterval = 3600,
                retention: RetentionPolicy = RetentionPolicy(), deliveryLease: TimeInterval = 120) {
        self.dynamo = dynamo
        self.table = table
        self.owner = owner
        self.idempotencyWindow = idempotencyWindow
        self.retention = retention
        self.deliveryLease = deliveryLease
        ledger = DynamoDBDeliveryLedger(dynamo: dynamo, table: table, owner: owner, retention: retention.deliveries)
        findingTable = DynamoDBFindingTable(dynamo: dynamo, table: table)
    }

    /// Creates the table (on-demand, `pk`/`sk`, TTL on `expires_at`) when it is missing: `firebreak store init`.
    public static func initialize(dynamo: DynamoDBClient, table: String, timeout: Duration = .seconds(120)) throws(StoreError)
        -> DynamoDBTableDescription {
        do {
            return try dynamo.ensureTable(table, partitionKey: "pk", sortKey: "sk", ttlAttribute: "expires_at", timeout: timeout)
        } catch {
            throw .dynamoDB(table: table, operation: "create the state table", error: error)
        }
    }

    public func hasDelivery(_ requestID: String) throws(StoreError) -> Bool {
        try ledger.isDone(requestID, now: Date())
    }

    /// Writable unless the last write failed; then a read of the table (at most once a second) decides.
    public func health(now: Date) -> StoreHealth {
        guard let failure = lastFailure.withLock({ $0 }) else { return .writable }
        guard now.timeIntervalSince(failure.lastProbe) >= 1 else { return .unwritable(reason: failure.reason) }
        do {
            _ = try dynamo.getItem(table: table, key: Self.countsKey("probe"))
            lastFailure.withLock { $0 = nil }
            return .writable
        } catch {
            let reason = StoreError.dynamoDB(table: table, operation: "probe the state table", error: error).description
            lastFailure.withLock { $0 = StoreWriteFailure(reason: reason, lastProbe: now) }
            return .unwritable(reason: reason)
        }
    }

    /// Runs a write of the delivery path, remembering a DynamoDB failure for `health`.
    func recordingFailure<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        do {
            let result = try body()
            lastFailure.withLock { $0 = nil }
            return result
        } catch {
            if case .dynamoDB = error {
                lastFailure.withLock { $0 = StoreWriteFailure(reason: error.description, lastProbe: Date()) }
            }
            throw error
        }
    }

    // MARK: - Keys and small helpers

    /// Shards of the action counters: a transition changes the shard of its action, so that tasks changing different
    /// actions at once rarely write the same counter item (a transaction conflicts with any other on one of its items).
    static let countShards = 16

    /// The counter shard of an action.
    static func countsKey(_ actionID: String) -> DynamoDBItem {
        let shard = actionID.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xffff } % countShards
        return ["pk": .string("counts"), "sk": .string("actions#\(shard)")]
    }

    static func idempotencyKey(_ key: String) -> DynamoDBItem {
        ["pk": .string("idem#" + key), "sk": .string("-")]
    }

    static func outboxKey(createdMillis: Int64, findingID: String, playbook: String) -> DynamoDBItem {
        let shard = findingID.utf8.reduce(0) { ($0 &+ Int($1)) & 0xffff } % outboxShards
        return ["pk": .string("outbox#\(shard)"), "sk": .string("\(padded(createdMillis))#\(findingID)#\(playbook)")]
    }

    static func summaryKey(windowEndMillis: Int64, findingID: String, actionID: String) -> DynamoDBItem {
        ["pk": .string("summary"), "sk": .string("\(padded(windowEndMillis))#\(findingID)#\(actionID)")]
    }

    static func dayKey(_ millis: Int64) -> String {
        let day = Int64((Double(millis) / 86_400_000).rounded(.down))
        return "findings#\(day)"
    }

    /// Milliseconds as 13+ digits, so that sort keys sort by time (negative times sort first, as 0).
    static func padded(_ millis: Int64) -> String {
        let digits = String(max(0, millis))
        return String(repeating: "0", count: max(0, 13 - digits.count)) + digits
    }

    /// Epoch seconds for `expires_at`.
    static func seconds(_ date: Date) -> Int64 { date.storeMillis / 1000 }

    func failure(_ operation: String, _ error: DynamoDBError) -> StoreError {
        .dynamoDB(table: table, operation: operation, error: error)
    }

    /// The counter update of an action that reaches final state `to` (counted once: a final state never changes).
    static func countsUpdate(step: StepKind, to: ActionState) -> DynamoDBExpression {
        DynamoDBExpression("ADD #to :one", names: ["#to": "\(step.rawValue)|\(to.rawValue)"], values: [":one": .integer(1)])
    }

    /// Writes `new` over `old` on condition of `old`'s version: one conditional put, the only write two tasks race
    /// on. False when the action changed since it was read. An action reaching a final state is then counted
    /// (`counts`, an `ADD` of its own): a metric, so a task that dies between the two writes leaves that one action
    /// uncounted rather than make every transition a transaction (twice the cost, and a conflict on a counter shard
    /// cancels it).
    func write(_ new: DynamoDBActionItem, over old: DynamoDBActionItem, operation: String) throws(StoreError) -> Bool {
        var new = new
        new.version = old.version + 1
        if Self.isFinal(new.record.state) {
            new.expiresAt = Self.seconds(new.record.updatedAt.addingTimeInterval(retention.findings))
        }
        do {
            try dynamo.putItem(table: table, item: new.item, condition: DynamoDBActionItem.unchanged(since: old))
        } catch .conditionalCheckFailed {
            return false
        } catch {
            throw failure(operation, error)
        }
        remember(new)
        if Self.isFinal(new.record.state) && !Self.isFinal(old.record.state) {
            do {
                try dynamo.updateItem(table: table, key: Self.countsKey(new.record.id),
                                      update: Self.countsUpdate(step: new.record.step.kind, to: new.record.state))
            } catch {
                throw failure("count action \(new.record.id) as \(new.record.state.rawValue)", error)
            }
        }
        return true
    }

    func remember(_ item: DynamoDBActionItem) {
        locations.withLock { cache in
            if cache.count >= 10_000 { cache.removeAll(keepingCapacity: true) }
            cache[item.record.id] = item.key
        }
    }

    /// An action by id: its key from the cache or the pointer item, then the item.
    func actionItem(_ id: String) throws(StoreError) -> DynamoDBActionItem? {
        var key = locations.withLock { $0[id] }
        if key == nil {
            let pointer: DynamoDBItem?
            do {
                pointer = try dynamo.getItem(table: table, key: DynamoDBActionItem.pointerKey(id))
            } catch {
                throw failure("read the pointer of action \(id)", error)
            }
            guard let pointer else { return nil }
            guard let pk = pointer["action_pk"], let sk = pointer["action_sk"] else {
                throw .corruptRow(table: table, id: "action#\(id)", reason: "the pointer names no action key")
            }
            key = ["pk": pk, "sk": sk]
        }
        let item: DynamoDBItem?
        do {
            item = try dynamo.getItem(table: table, key: key ?? [:])
        } catch {
            throw failure("read action \(id)", error)
        }
        guard let item else { return nil }
        let action = try DynamoDBActionItem(item: item, table: table)
        remember(action)
        return action
    }

    /// Every action of a finding, by playbook then sequence.
    func actionItems(findingID: String) throws(StoreError) -> [DynamoDBActionItem] {
        let items: [DynamoDBItem]
        do {
            items = try dynamo.queryAll(
                table: table,
                keyCondition: DynamoDBExpression("pk = :pk AND begins_with(sk, :prefix)",
                                                 values: [":pk": .string("finding#" + findingID), ":prefix": .string("action#")]),
                maxItems: 1000)
        } catch {
            throw failure("read the actions of finding \(findingID)", error)
        }
        var actions: [DynamoDBActionItem] = []
        for item in items {
            let action = try DynamoDBActionItem(item: item, table: table)
            remember(action)
            actions.append(action)
        }
        return actions
    }
}
