import FirebreakAWS
import Foundation

/// Reads of the shared table (`GET /findings`, `/metrics`, `firebreak findings`) and the summaries of closed windows.
extension DynamoDBStateStore {
    /// Findings newest first (by event time): each day partition of the findings' retention (the day a finding was
    /// stored; from tomorrow, as clocks differ, back) is read newest first down to `since`, up to `limit` entries
    /// each, and the entries merged. Event times can be anything (a replay of old logs), so no partition can be
    /// skipped; a day costs one small query.
    public func findings(since: Date?, level: String?, rule: String?, limit: Int) throws(StoreError) -> [StoredFinding] {
        guard limit > 0 else { return [] }
        let now = Date()
        var conditions = ["expires_at >= :now"]
        var values: [String: DynamoDBValue] = [":now": .integer(Self.seconds(now))]
        if let level {
            conditions.append("#level = :level")
            values[":level"] = .string(level)
        }
        if let rule {
            conditions.append("rule_id = :rule")
            values[":rule"] = .string(rule)
        }
        let filter = DynamoDBExpression(conditions.joined(separator: " AND "),
                                        names: level == nil ? [:] : ["#level": "level"], values: values)
        let from = Self.padded(since?.storeMillis ?? 0)
        var entries: [(time: String, id: String)] = []
        let days = Int(retention.findings / 86400) + 2
        for back in 0...days {
            let day = now.addingTimeInterval(86400 - Double(back) * 86400).storeMillis
            var found = 0
            var start: DynamoDBItem?
            repeat {
                let page: DynamoDBClient.QueryPage
                do {
                    page = try dynamo.query(
                        table: table,
                        keyCondition: DynamoDBExpression("pk = :pk AND sk >= :from",
                                                         values: [":pk": .string(Self.dayKey(day)), ":from": .string(from)]),
                        filter: filter, limit: min(1000, limit), startKey: start, ascending: false, consistent: false)
                } catch {
                    throw failure("list findings", error)
                }
                for item in page.items {
                    guard let sk = item["sk"]?.stringValue, let id = item["finding_id"]?.stringValue else { continue }
                    entries.append((String(sk.prefix { $0 != "#" }), id))
                    found += 1
                }
                start = page.lastEvaluatedKey
            } while start != nil && found < limit
        }
        entries.sort { ($0.time, $1.id) > ($1.time, $0.id) }
        var found: [StoredFinding] = []
        var seen = Set<String>()
        for entry in entries where found.count < limit && seen.insert(entry.id).inserted {
            if let finding = try findingTable.finding(entry.id, now: now) { found.append(finding) }
        }
        return found
    }

    public func finding(id: String) throws(StoreError) -> (StoredFinding, [ActionRecord])? {
        guard let finding = try findingTable.finding(id) else { return nil }
        return (finding, try actionItems(findingID: id).map(\.record))
    }

    public func action(id: String) throws(StoreError) -> ActionRecord? {
        try actionItem(id)?.record
    }

    /// Final states from the counter shards (`counts` / `actions#<shard>`, counted when an action ends); pending and
    /// running actions from the open plans of the outbox (at most `maxOpenPlans` of them are read).
    public func actionCounts() throws(StoreError) -> [ActionCount] {
        let shards: [DynamoDBItem]
        do {
            shards = try dynamo.queryAll(table: table, keyCondition: DynamoDBExpression("pk = :pk", values: [":pk": .string("counts")]),
                                         maxItems: Self.countShards * 2)
        } catch {
            throw failure("read the action counters", error)
        }
        var totals: [String: Int] = [:]
        for item in shards {
            for (name, value) in item where name.contains("|") {
                totals[name, default: 0] += Int(clamping: value.int64Value ?? 0)
            }
        }
        for action in try openActions() {
            totals["\(action.step.kind.rawValue)|\(action.state.rawValue)", default: 0] += 1
        }
        var counts: [ActionCount] = []
        for (name, count) in totals where count > 0 {
            let parts = name.split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = StepKind(rawValue: parts[0]), let state = ActionState(rawValue: parts[1]) else {
                throw .corruptRow(table: table, id: "counts", reason: "unknown step or state \(name)")
            }
            counts.append(ActionCount(step: kind, state: state, count: count))
        }
        return counts.sorted { ($0.step.rawValue, $0.state.rawValue) < ($1.step.rawValue, $1.state.rawValue) }
    }

    public func pendingCount() throws(StoreError) -> Int {
        try openActions().filter { $0.state == .pending }.count
    }

    /// Open plans read for the counts of pending and running actions.
    static let maxOpenPlans = 1000

    /// The pending and running actions of the open plans (oldest plans first, up to `maxOpenPlans`).
    func openActions() throws(StoreError) -> [PlannedAction] {
        let entries = try outboxEntries(perShard: Self.maxOpenPlans / Self.outboxShards, consistent: false)
        var open: [PlannedAction] = []
        var read = Set<String>()
        for entry in entries {
            guard let findingID = entry["finding_id"]?.stringValue, let playbook = entry["playbook"]?.stringValue,
                  read.insert(findingID + "#" + playbook).inserted else { continue }
            open += try actionItems(findingID: findingID).map(\.record.action)
                .filter { $0.playbook == playbook && !Self.isFinal($0.state) }
        }
        return open
    }

    // MARK: Summaries

    public func dueSummaries(windowEndedBefore end: Date, limit: Int) throws(StoreError)
        -> [(finding: StoredFinding, alert: ActionRecord)] {
        let entries: [DynamoDBItem]
        do {
            entries = try dynamo.query(table: table,
                                       keyCondition: DynamoDBExpression("pk = :pk AND sk < :end",
                                                                        values: [":pk": .string("summary"),
                                                                                 ":end": .string(Self.padded(end.storeMillis))]),
                                       limit: max(1, limit) * 2).items
        } catch {
            throw failure("find due summaries", error)
        }
        var due: [(finding: StoredFinding, alert: ActionRecord)] = []
        for entry in entries where due.count < limit {
            guard let findingID = entry["finding_id"]?.stringValue, let actionID = entry["action_id"]?.stringValue else { continue }
            guard let alert = try actionItem(actionID), let finding = try findingTable.finding(findingID) else {
                try delete(entry, operation: "drop the summary entry of action \(actionID)")
                continue
            }
            // The alert itself has not run yet: its summary waits for it.
            guard alert.record.state != .pending, alert.record.state != .running, alert.record.state != .held else { continue }
            if finding.count <= 1 {
                try markSummarized(actionID, entry: entry)
                continue
            }
            due.append((finding, alert.record))
        }
        return due
    }

    public func addSummaries(_ actions: [PlannedAction], for alertIDs: [String], now: Date) throws(StoreError) -> Int {
        var added = 0
        for action in actions {
            if try insertAction(action, origin: "summary", windowEndMillis: nil, now: now) != nil { added += 1 }
        }
        for id in alertIDs {
            guard let alert = try actionItem(id), let finding = try findingTable.finding(alert.record.findingID),
                  let end = finding.windowEndMillis else { continue }
            try markSummarized(id, entry: Self.summaryKey(windowEndMillis: end, findingID: finding.id, actionID: id))
        }
        return added
    }

    /// Clears an alert's summary mark and removes its entry.
    private func markSummarized(_ actionID: String, entry: DynamoDBItem) throws(StoreError) {
        try change(actionID, operation: "mark alert \(actionID) summarized") { action throws(StoreError) -> DynamoDBActionItem? in
            guard action.wantsSummary else { return nil }
            var marked = action
            marked.wantsSummary = false
            return marked
        }
        try delete(entry, operation: "remove the summary entry of alert \(actionID)")
    }

    private func delete(_ entry: DynamoDBItem, operation: String) throws(StoreError) {
        guard let pk = entry["pk"], let sk = entry["sk"] else { return }
        do {
            try dynamo.deleteItem(table: table, key: ["pk": pk, "sk": sk])
        } catch {
            throw failure(operation, error)
        }
    }
}
