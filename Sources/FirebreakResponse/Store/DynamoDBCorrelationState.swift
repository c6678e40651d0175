import FirebreakAWS
import FirebreakDetection
import Foundation

/// Sigma correlation windows in the shared state table (issue 15), so that a port scan split between tasks is seen
/// whole. One item per rule and group, `pk = corr#<hash of rule and group>`, `sk = window`, holds the group's buckets
/// (each a sixth of the timespan) and the window it fired last. A delivery adds its tallies (`CorrelationTally`: its
/// matches per rule, group and bucket) with one UpdateItem per group and bucket, which returns the whole item, so
/// the window is summed without a second request:
///
/// - `event_count`: `ADD c_<bucket> :n, d_<bucket> :reqSet` on condition `NOT contains(d_<bucket>, :req)` (a repeated
///   delivery adds nothing; the item as it was comes back with the failure and is read the same way);
/// - `value_count`, `temporal`: `ADD v_<bucket> :values`, a set a repetition leaves as it is;
/// - the window is the buckets from `windowStart` to the bucket; `temporal_ordered` also needs each referenced
///   rule's first bucket in the rule's order;
/// - fire: `SET until_ms, by_req, first_ms` on condition `attribute_not_exists(until_ms) OR until_ms <= :windowStart`
///   (no overlap with the window that fired last). A repetition of the delivery that fired (`by_req` is its request
///   id) fires again without a write and gets the same finding.
///
/// Buckets older than the window and an hour are removed when an update finds them; the item expires (TTL) an hour
/// after its newest bucket's window. The groups of a delivery are written in parallel (`ParallelCalls`).
public struct DynamoDBCorrelationState: SharedCorrelationState {
    public let dynamo: DynamoDBClient
    public let table: String
    /// How long buckets are kept after their window (late deliveries still count into them).
    static let keepMillis: Int64 = 3_600_000

    public init(dynamo: DynamoDBClient, table: String) {
        self.dynamo = dynamo
        self.table = table
    }

    public func record(_ tallies: [CorrelationTally], requestID: String) throws -> [CorrelationHit?] {
        // One group's buckets in order, on one thread: a group fires at most once per delivery (its later buckets
        // still count). Groups go in parallel.
        var byGroup: [String: [Int]] = [:]
        var order: [String] = []
        for (index, tally) in tallies.enumerated() {
            if byGroup[tally.groupHash] == nil { order.append(tally.groupHash) }
            byGroup[tally.groupHash, default: []].append(index)
        }
        let groups = order.map { byGroup[$0] ?? [] }
        let state = self
        let fired = try ParallelCalls.run(groups.count) { group throws(StoreError) -> [(Int, CorrelationHit)] in
            var hits: [(Int, CorrelationHit)] = []
            for index in groups[group] {
                if let hit = try state.record(tallies[index], requestID: requestID, mayFire: hits.isEmpty) {
                    hits.append((index, hit))
                }
            }
            return hits
        }
        var hits = [CorrelationHit?](repeating: nil, count: tallies.count)
        for (index, hit) in fired.joined() { hits[index] = hit }
        return hits
    }

    private func record(_ tally: CorrelationTally, requestID: String, mayFire: Bool) throws(StoreError) -> CorrelationHit? {
        let key: DynamoDBItem = ["pk": .string("corr#" + tally.groupHash), "sk": .string("window")]
        let bucket = String(tally.bucketMillis)
        let expires = DynamoDBValue.integer(tally.millis(afterBucket: tally.bucketWidth * 7 + Self.keepMillis) / 1000)
        var item: DynamoDBItem
        do {
            switch tally.rule.kind {
            case .eventCount:
                item = try dynamo.updateItem(
                    table: table, key: key,
                    update: DynamoDBExpression("ADD #c :n, #d :reqs SET expires_at = :expires",
                                               names: ["#c": "c_" + bucket, "#d": "d_" + bucket],
                                               values: [":n": .integer(tally.count), ":reqs": .stringSet([requestID]),
                                                        ":expires": expires]),
                    condition: DynamoDBExpression("NOT contains(#d, :req)", names: ["#d": "d_" + bucket],
                                                  values: [":req": .string(requestID)]),
                    returnOld: true)
            case .valueCount, .temporal, .temporalOrdered:
                guard !tally.values.isEmpty else { return nil }
                item = try dynamo.updateItem(
                    table: table, key: key,
                    update: DynamoDBExpression("ADD #v :values SET expires_at = :expires", names: ["#v": "v_" + bucket],
                                               values: [":values": .stringSet(tally.values.sorted()), ":expires": expires]))
            }
        } catch .conditionalCheckFailed(let old) {
            // This delivery was added before (a repetition): the window is read as it was.
            item = old ?? [:]
        } catch {
            throw .dynamoDB(table: table, operation: "count correlation \(tally.rule.identifier)", error: error)
        }
        try removeStaleBuckets(key: key, item: item, tally: tally)
        guard mayFire, let count = Self.count(tally, item), count >= tally.firingCount else { return nil }
        let firstMillis = Self.buckets(in: item, from: tally.windowStartMillis, to: tally.bucketMillis).map(\.start).min()
            ?? tally.firstMillis
        if item["by_req"]?.stringValue == requestID, let stored = item["first_ms"]?.int64Value {
            // A repetition of the delivery that fired this window: the same finding again.
            return hit(tally, count: count, firstMillis: stored)
        }
        do {
            try dynamo.updateItem(
                table: table, key: key,
                update: DynamoDBExpression("SET until_ms = :until, by_req = :req, first_ms = :first",
                                           values: [":until": .integer(tally.bucketEndMillis),
                                                    ":req": .string(requestID), ":first": .integer(firstMillis)]),
                condition: DynamoDBExpression("attribute_not_exists(until_ms) OR until_ms <= :windowStart",
                                              values: [":windowStart": .integer(tally.windowStartMillis)]))
            return hit(tally, count: count, firstMillis: firstMillis)
        } catch .conditionalCheckFailed {
            return nil
        } catch {
            throw .dynamoDB(table: table, operation: "fire correlation \(tally.rule.identifier)", error: error)
        }
    }

    private func hit(_ tally: CorrelationTally, count: Int, firstMillis: Int64) -> CorrelationHit {
        CorrelationHit(rule: tally.rule, groupKey: tally.groupKey, count: count, firstMillis: firstMillis,
                       lastMillis: tally.lastMillis, eventKeys: tally.eventKeys)
    }

    /// The buckets of `item` from `start` to `end` (bucket start times), each with its attributes.
    static func buckets(in item: DynamoDBItem, from start: Int64, to end: Int64)
        -> [(start: Int64, count: Int64?, values: [String]?)] {
        var found: [Int64: (count: Int64?, values: [String]?)] = [:]
        for (name, value) in item where name.hasPrefix("c_") || name.hasPrefix("v_") {
            guard let time = Int64(name.dropFirst(2)), time >= start, time <= end else { continue }
            if name.hasPrefix("c_") { found[time, default: (nil, nil)].count = value.int64Value }
            else { found[time, default: (nil, nil)].values = value.stringSetValue }
        }
        return found.keys.sorted().map { ($0, found[$0]?.count, found[$0]?.values) }
    }

    /// The window's count for the rule's kind; nil when `temporal_ordered` saw its rules out of order.
    static func count(_ tally: CorrelationTally, _ item: DynamoDBItem) -> Int? {
        let window = buckets(in: item, from: tally.windowStartMillis, to: tally.bucketMillis)
        switch tally.rule.kind {
        case .eventCount:
            return window.reduce(0) { $0 + Int(clamping: $1.count ?? 0) }
        case .valueCount, .temporal:
            return Set(window.flatMap { $0.values ?? [] }).count
        case .temporalOrdered:
            // Each referenced rule's first bucket; ordered when they do not go back in time.
            var firstSeen: [String: Int64] = [:]
            for bucket in window {
                for value in bucket.values ?? [] where firstSeen[value] == nil { firstSeen[value] = bucket.start }
            }
            let order = (0..<tally.rule.rules.count).compactMap { firstSeen["p\($0)"] }
            guard order == order.sorted() else { return nil }
            return order.count
        }
    }

    /// Removes the buckets older than the window and `keepMillis` that `item` still holds (one update, when any).
    private func removeStaleBuckets(key: DynamoDBItem, item: DynamoDBItem, tally: CorrelationTally) throws(StoreError) {
        let oldest = tally.millis(beforeWindow: Self.keepMillis)
        let stale = item.keys.filter { name in
            (name.hasPrefix("c_") || name.hasPrefix("v_") || name.hasPrefix("d_"))
                && (Int64(name.dropFirst(2)).map { $0 < oldest } ?? false)
        }.sorted().prefix(50)
        guard !stale.isEmpty else { return }
        var names: [String: String] = [:]
        for (index, name) in stale.enumerated() { names["#s\(index)"] = name }
        do {
            try dynamo.updateItem(table: table, key: key,
                                  update: DynamoDBExpression("REMOVE " + names.keys.sorted().joined(separator: ", "), names: names))
        } catch {
            throw .dynamoDB(table: table, operation: "remove old correlation buckets", error: error)
        }
    }
}
