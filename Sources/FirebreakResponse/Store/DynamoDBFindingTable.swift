import FirebreakAWS
import Foundation

/// Aggregated findings in the shared state table (issue 15), counted exactly once per delivery by any number of
/// tasks. A finding is the item `pk = finding#<id>`, `sk = -` with its row's columns, `json`, `count`,
/// `first_seen_ms`, `last_seen_ms`, `samples` (a list of JSON texts) and `deliveries`, the string set of the request
/// ids counted into it (a dedup window's worth: a finding lives for one window of its rule; at about 40 bytes an id,
/// some 9,000 deliveries a window fit in DynamoDB's 400 KB item, which is the limit of this layout).
///
/// - Counting is one conditional `UpdateItem` in the usual case (a delivery later than the finding's last match):
///   `ADD count, deliveries` and `SET last_seen_ms`, on condition that the request id is not in `deliveries` and the
///   stored first/last seen need no other change. Otherwise the old item comes back with the failure and one
///   optimistic update (on the first/last seen it read) sets the min and max; a replayed delivery (its id already in
///   `deliveries`) changes nothing.
/// - A new finding is a conditional put; losing it to another task means the finding exists: it is counted instead.
public struct DynamoDBFindingTable: Sendable {
    /// What `count` did.
    public enum Counted: Sendable, Equatable {
        /// Counted; the finding now holds `samples` sample events.
        case counted(samples: Int)
        /// This delivery was counted into it before (a replay after a crash or a lost answer); when that earlier try
        /// inserted the finding, its actions may not all be planned yet.
        case alreadyCounted(insertedByThisDelivery: Bool)
        /// No such finding.
        case missing
    }

    public let dynamo: DynamoDBClient
    public let table: String
    /// Optimistic updates tried before giving up on a finding that other tasks keep changing.
    static let maxAttempts = 8

    public init(dynamo: DynamoDBClient, table: String) {
        self.dynamo = dynamo
        self.table = table
    }

    /// Counts `matches` of delivery `requestID` into finding `id`, with their first and last event times.
    public func count(_ id: String, requestID: String, matches: Int, firstSeenMillis: Int64,
                      lastSeenMillis: Int64) throws(StoreError) -> Counted {
        let fresh = DynamoDBExpression(
            "attribute_exists(pk) AND NOT contains(deliveries, :req) AND first_seen_ms <= :first AND last_seen_ms <= :last",
            values: [":req": .string(requestID), ":first": .integer(firstSeenMillis), ":last": .integer(lastSeenMillis)])
        var update = DynamoDBExpression("ADD #c :n, deliveries :reqs SET last_seen_ms = :last",
                                        names: ["#c": "count"],
                                        values: [":n": .integer(matches), ":reqs": .stringSet([requestID]),
                                                 ":last": .integer(lastSeenMillis)])
        var condition = fresh
        for _ in 0..<Self.maxAttempts {
            do {
                let after = try dynamo.updateItem(table: table, key: key(id), update: update, condition: condition, returnOld: true)
                return .counted(samples: after["samples"]?.listValue?.count ?? 0)
            } catch .conditionalCheckFailed(let old) {
                guard let old else { return .missing }
                if old["deliveries"]?.stringSetValue?.contains(requestID) == true {
                    return .alreadyCounted(insertedByThisDelivery: old["first_request_id"]?.stringValue == requestID)
                }
                // Out of order: set the min and max of what was read, on condition it has not changed since.
                let storedFirst = old["first_seen_ms"]?.int64Value ?? firstSeenMillis
                let storedLast = old["last_seen_ms"]?.int64Value ?? lastSeenMillis
                update = DynamoDBExpression(
                    "ADD #c :n, deliveries :reqs SET first_seen_ms = :newFirst, last_seen_ms = :newLast",
                    names: ["#c": "count"],
                    values: [":n": .integer(matches), ":reqs": .stringSet([requestID]),
                             ":newFirst": .integer(min(storedFirst, firstSeenMillis)),
                             ":newLast": .integer(max(storedLast, lastSeenMillis))])
                condition = DynamoDBExpression(
                    "attribute_exists(pk) AND NOT contains(deliveries, :req) AND first_seen_ms = :storedFirst"
                        + " AND last_seen_ms = :storedLast",
                    values: [":req": .string(requestID), ":storedFirst": .integer(storedFirst),
                             ":storedLast": .integer(storedLast)])
            } catch {
                throw .dynamoDB(table: table, operation: "count finding \(id)", error: error)
            }
        }
        throw .dynamoDB(table: table, operation: "count finding \(id)",
                        error: .invalidRequest("the finding kept changing under \(Self.maxAttempts) optimistic updates"))
    }

    /// Puts a new finding, counted for delivery `requestID`, kept until `expiresAt` (the table's TTL); false when it
    /// exists already (another task, or an earlier try of this delivery, put it first): count it instead.
    public func insert(_ finding: StoredFinding, requestID: String, now: Date, maxSamples: Int,
                       expiresAt: Date? = nil) throws(StoreError) -> Bool {
        var item = key(finding.id)
        item["rule_id"] = .string(finding.ruleID)
        item["title"] = .string(finding.title)
        item["level"] = .string(finding.level)
        item["time_ms"] = .integer(finding.timeMillis)
        item["resource_type"] = .string(finding.resourceType)
        item["resource_id"] = .string(finding.resourceID)
        item["json"] = .string(finding.json)
        item["count"] = .integer(finding.count)
        item["first_seen_ms"] = .integer(finding.firstSeenMillis)
        item["last_seen_ms"] = .integer(finding.lastSeenMillis)
        item["samples"] = .list(finding.samples.prefix(maxSamples).map(DynamoDBValue.string))
        item["deliveries"] = .stringSet([requestID])
        item["first_request_id"] = .string(requestID)
        item["created_at_ms"] = .integer(now.storeMillis)
        if let end = finding.windowEndMillis { item["window_end_ms"] = .integer(end) }
        if let expiresAt { item["expires_at"] = .integer(expiresAt.storeMillis / 1000) }
        do {
            try dynamo.putItem(table: table, item: item, condition: DynamoDBExpression("attribute_not_exists(pk)"))
            return true
        } catch .conditionalCheckFailed {
            return false
        } catch {
            throw .dynamoDB(table: table, operation: "insert finding \(finding.id)", error: error)
        }
    }

    /// Appends `samples` to a finding holding `held`, up to `maxSamples` in all; on condition it still holds
    /// `held` (another task adding its own at the same time wins, and these are dropped: samples are examples).
    public func addSamples(_ id: String, _ samples: [String], held: Int, maxSamples: Int) throws(StoreError) {
        let room = maxSamples - held
        guard room > 0, !samples.isEmpty else { return }
        let update = DynamoDBExpression("SET samples = list_append(samples, :more)",
                                        values: [":more": .list(samples.prefix(room).map(DynamoDBValue.string))])
        let condition = DynamoDBExpression("size(samples) = :held", values: [":held": .integer(held)])
        do {
            try dynamo.updateItem(table: table, key: key(id), update: update, condition: condition)
        } catch .conditionalCheckFailed {
            return
        } catch {
            throw .dynamoDB(table: table, operation: "add samples to finding \(id)", error: error)
        }
    }

    /// A finding as stored, with its count, first/last seen and samples; nil when absent or past its `expires_at`
    /// at `now` (TTL deletes late).
    public func finding(_ id: String, now: Date = Date()) throws(StoreError) -> StoredFinding? {
        let item: DynamoDBItem?
        do {
            item = try dynamo.getItem(table: table, key: key(id))
        } catch {
            throw .dynamoDB(table: table, operation: "read finding \(id)", error: error)
        }
        guard let item else { return nil }
        if let expires = item["expires_at"]?.int64Value, expires < now.storeMillis / 1000 { return nil }
        func text(_ name: String) throws(StoreError) -> String {
            guard let value = item[name]?.stringValue else {
                throw .corruptRow(table: table, id: id, reason: "no string \(name)")
            }
            return value
        }
        func number(_ name: String) throws(StoreError) -> Int64 {
            guard let value = item[name]?.int64Value else {
                throw .corruptRow(table: table, id: id, reason: "no integer \(name)")
            }
            return value
        }
        return StoredFinding(id: id, ruleID: try text("rule_id"), title: try text("title"), level: try text("level"),
                             timeMillis: try number("time_ms"), resourceType: try text("resource_type"),
                             resourceID: try text("resource_id"), json: try text("json"), count: Int(try number("count")),
                             firstSeenMillis: try number("first_seen_ms"), lastSeenMillis: try number("last_seen_ms"),
                             samples: (item["samples"]?.listValue ?? []).compactMap(\.stringValue),
                             windowEndMillis: item["window_end_ms"]?.int64Value)
    }

    private func key(_ id: String) -> DynamoDBItem {
        ["pk": .string("finding#" + id), "sk": .string("-")]
    }
}
