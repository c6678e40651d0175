import FirebreakAWS
import Foundation

/// Reads of the shared table (`GET /findings`, `/metrics`, `firebreak findings`) and the summaries of closed windows.
extension DynamoDBStateStore {
    /// Findings newest first: the day partitions from tomorrow (clocks differ) back to `since` (or the findings'
    /// retention), each read newest first, until `limit` are found.
    public func findings(since: Date?, level: String?, rule: String?, limit: Int) throws(StoreError) -> [StoredFinding] {
        guard limit > 0 else { return [] }
        let now = Date()
        let fromMillis = (since ?? now.addingTimeInterval(-retention.findings)).storeMillis
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
        var ids: [String] = []
        var day = now.addingTimeInterval(86400).storeMillis
        while ids.count < limit && day >= fromMillis - 86_400_000 {
            var start: DynamoDBItem?
            repeat {
                let page: DynamoDBClient.QueryPage
                do {
                    page = try dynamo.query(
                        table: table,
                        keyCondition: DynamoDBExpression("pk = :pk AND sk >= :from",
                                                         values: [":pk": .string(Self.dayKey(day)),
                                                                  ":from": .string(Self.padded(fromMillis))]),
                        filter: filter, limit: 200, startKey: start, ascending: false, consistent: false)
                } catch {
                    throw failure("list findings", error)
                }
                ids += page.items.compactMap { $0["finding_id"]?.stringValue }
                start = page.lastEvaluatedKey
            } while start != nil && ids.count < limit
            day -= 86_400_000
        }
        var found: [StoredFinding] = []
        for id in ids.prefix(limit) {
            if let finding = try findingTable.finding(id, now: now) { found.append(finding) }
        }
        return found.sorted { ($0.timeMillis, $1.id) > ($1.timeMillis, $0.id) }
    }

    public func finding(id: String) throws(StoreError) -> (StoredFinding, [ActionRecord])? {
        guard let finding = try findingTable.finding(id) else { return nil }
        return (finding, try actionItems(findingID: id).map(\.record))
    }

    public func action(id: String) throws(StoreError) -> ActionRecord? {
        try actionItem(id)?.record
    }

    /// From the counters item (`counts` / `actions`), which every transition changes with the action.
    public func actionCounts() throws(StoreError) -> [ActionCount] {
        guard let item = try read(Self.countsKey, operation: "read the action counters") else { return [] }
        var counts: [ActionCount] = []
        for (name, value) in item where name.contains("|") {
            let parts = name.split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = StepKind(rawValue: parts[0]), let state = ActionState(rawValue: parts[1]) else {
                throw .corruptRow(table: table, id: "counts/actions", reason: "unknown step or state \(name)")
            }
            let count = Int(clamping: value.int64Value ?? 0)
            if count > 0 { counts.append(ActionCount(step: kind, state: state, count: count)) }
        }
        return counts.sorted { ($0.step.rawValue, $0.state.rawValue) < ($1.step.rawValue, $1.state.rawValue) }
    }

    public func pendingCount() throws(StoreError) -> Int {
        try actionCounts().filter { $0.state == .pending }.reduce(0) { $0 + $1.count }
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
