import FirebreakAWS
import FirebreakDetection
import Foundation

/// Sigma correlation windows in the shared state table (issue 15), so that a port scan split between tasks is seen
/// whole. Each delivery adds its tallies (`CorrelationTally`: its matches per rule, group and bucket of a sixth of the
/// timespan) to bucket items, reads the window that ends with the bucket, and fires at most once per window:
///
/// - `pk = corr#<hash of rule and group>`, `sk = b#<bucket start ms>`: `event_count` adds with
///   `ADD cnt :n, deliveries :req` on condition `NOT contains(deliveries, :req)` (a repeated delivery adds nothing);
///   `value_count` and `temporal` add to a set (`ADD vals :values`), which a repetition leaves as it is.
/// - The window is one Query (`sk BETWEEN b#<window start> AND b#<bucket>`): the sum of `cnt`, or the size of the
///   union of `vals`; `temporal_ordered` also needs each referenced rule's first bucket in the rule's order.
/// - `sk = fired`: the window that fired last (`until_ms`, its end). A window fires when
///   `attribute_not_exists(until_ms) OR until_ms <= :windowStart` (no overlap with the last one fired), or when this
///   same delivery fired it before (`by_req = :req`, a repetition after a crash, which gets the same finding).
///
/// Buckets expire (TTL) an hour after their window; reads do not need to filter them, as a window reads only the
/// buckets of its own timespan.
public struct DynamoDBCorrelationState: SharedCorrelationState {
    public let dynamo: DynamoDBClient
    public let table: String
    /// How long a bucket is kept after its window (late deliveries still count into it).
    static let keepMillis: Int64 = 3_600_000

    public init(dynamo: DynamoDBClient, table: String) {
        self.dynamo = dynamo
        self.table = table
    }

    public func record(_ tallies: [CorrelationTally], requestID: String) throws -> [CorrelationHit?] {
        var hits: [CorrelationHit?] = []
        hits.reserveCapacity(tallies.count)
        // A group fires at most once per delivery (its later buckets still count).
        var firedGroups = Set<String>()
        for tally in tallies {
            let hit = try record(tally, requestID: requestID, mayFire: !firedGroups.contains(tally.groupHash))
            if hit != nil { firedGroups.insert(tally.groupHash) }
            hits.append(hit)
        }
        return hits
    }

    private func record(_ tally: CorrelationTally, requestID: String, mayFire: Bool) throws(StoreError) -> CorrelationHit? {
        let pk = DynamoDBValue.string("corr#" + tally.groupHash)
        let expires = DynamoDBValue.integer((tally.bucketMillis + tally.bucketWidth * 7 + Self.keepMillis) / 1000)
        let key: DynamoDBItem = ["pk": pk, "sk": .string("b#" + DynamoDBStateStore.padded(tally.bucketMillis))]
        do {
            switch tally.rule.kind {
            case .eventCount:
                try dynamo.updateItem(table: table, key: key,
                                      update: DynamoDBExpression("ADD cnt :n, deliveries :reqs SET expires_at = :expires",
                                                                 values: [":n": .integer(tally.count), ":reqs": .stringSet([requestID]),
                                                                          ":expires": expires]),
                                      condition: DynamoDBExpression("NOT contains(deliveries, :req)",
                                                                    values: [":req": .string(requestID)]))
            case .valueCount, .temporal, .temporalOrdered:
                guard !tally.values.isEmpty else { return nil }
                try dynamo.updateItem(table: table, key: key,
                                      update: DynamoDBExpression("ADD vals :values SET expires_at = :expires",
                                                                 values: [":values": .stringSet(tally.values.sorted()),
                                                                          ":expires": expires]))
            }
        } catch .conditionalCheckFailed {
            // This delivery was added before (a repetition): the window is read as it is.
        } catch {
            throw .dynamoDB(table: table, operation: "count correlation \(tally.rule.identifier)", error: error)
        }

        let buckets: [DynamoDBItem]
        do {
            buckets = try dynamo.queryAll(
                table: table,
                keyCondition: DynamoDBExpression("pk = :pk AND sk BETWEEN :from AND :to", values: [
                    ":pk": pk, ":from": .string("b#" + DynamoDBStateStore.padded(tally.windowStartMillis)),
                    ":to": .string("b#" + DynamoDBStateStore.padded(tally.bucketMillis)),
                ]), maxItems: 64)
        } catch {
            throw .dynamoDB(table: table, operation: "read correlation window \(tally.rule.identifier)", error: error)
        }
        guard mayFire, let count = Self.count(tally, buckets), count >= tally.firingCount else { return nil }
        let first = buckets.compactMap { $0["sk"]?.stringValue.flatMap { Int64($0.dropFirst(2)) } }.min() ?? tally.firstMillis
        guard let firstMillis = try fire(tally, pk: pk, requestID: requestID, firstMillis: first, expires: expires) else {
            return nil
        }
        return CorrelationHit(rule: tally.rule, groupKey: tally.groupKey, count: count, firstMillis: firstMillis,
                              lastMillis: tally.lastMillis, eventKeys: tally.eventKeys)
    }

    /// The window's count for the rule's kind; nil when `temporal_ordered` saw its rules out of order.
    static func count(_ tally: CorrelationTally, _ buckets: [DynamoDBItem]) -> Int? {
        switch tally.rule.kind {
        case .eventCount:
            return buckets.reduce(0) { $0 + Int(clamping: $1["cnt"]?.int64Value ?? 0) }
        case .valueCount, .temporal:
            return Set(buckets.flatMap { $0["vals"]?.stringSetValue ?? [] }).count
        case .temporalOrdered:
            // Each referenced rule's first bucket, in sort-key order; ordered when they do not go back in time.
            var firstSeen: [String: Int] = [:]
            for (index, bucket) in buckets.enumerated() {
                for value in bucket["vals"]?.stringSetValue ?? [] where firstSeen[value] == nil { firstSeen[value] = index }
            }
            let order = (0..<tally.rule.rules.count).compactMap { firstSeen["p\($0)"] }
            guard order == order.sorted() else { return nil }
            return order.count
        }
    }

    /// Fires the window once across every task; returns the first match time the finding gets (the one stored when
    /// this delivery fired it before), or nil when another delivery fired this window.
    private func fire(_ tally: CorrelationTally, pk: DynamoDBValue, requestID: String, firstMillis: Int64,
                      expires: DynamoDBValue) throws(StoreError) -> Int64? {
        let key: DynamoDBItem = ["pk": pk, "sk": .string("fired")]
        let until = DynamoDBValue.integer(tally.bucketMillis + tally.bucketWidth)
        do {
            // A repetition of the delivery that fired it: the same finding again.
            let item = try dynamo.updateItem(table: table, key: key,
                                             update: DynamoDBExpression("SET expires_at = :expires", values: [":expires": expires]),
                                             condition: DynamoDBExpression("by_req = :req", values: [":req": .string(requestID)]))
            return item["first_ms"]?.int64Value ?? firstMillis
        } catch .conditionalCheckFailed {
        } catch {
            throw .dynamoDB(table: table, operation: "fire correlation \(tally.rule.identifier)", error: error)
        }
        do {
            try dynamo.updateItem(
                table: table, key: key,
                update: DynamoDBExpression("SET until_ms = :until, by_req = :req, first_ms = :first, expires_at = :expires",
                                           values: [":until": until, ":req": .string(requestID), ":first": .integer(firstMillis),
                                                    ":expires": expires]),
                condition: DynamoDBExpression("attribute_not_exists(until_ms) OR until_ms <= :windowStart",
                                              values: [":windowStart": .integer(tally.windowStartMillis)]))
            return firstMillis
        } catch .conditionalCheckFailed {
            return nil
        } catch {
            throw .dynamoDB(table: table, operation: "fire correlation \(tally.rule.identifier)", error: error)
        }
    }
}
