import Foundation

/// Read-only queries: `GET /findings`, `/metrics`, the CLI.
extension ResponseStore {
    /// Findings, newest first (by event time), optionally only those at or after `since`, of one
    /// `level`, of one `rule` id.
    public func findings(since: Date? = nil, level: String? = nil, rule: String? = nil, limit: Int = 100)
        throws(StoreError) -> [StoredFinding]
    {
        var conditions: [String] = []
        var parameters: [SQLiteValue] = []
        if let since {
            conditions.append("time_ms >= ?")
            parameters.append(.millis(since))
        }
        if let level {
            conditions.append("level = ?")
            parameters.append(.text(level))
        }
        if let rule {
            conditions.append("rule_id = ?")
            parameters.append(.text(rule))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        parameters.append(.int(max(0, limit)))
        return try withReader { db throws(StoreError) in
            try db.query("""
                SELECT \(Self.findingColumns) FROM findings
                \(filter) ORDER BY time_ms DESC, id LIMIT ?
                """, parameters, operation: "list findings", row: Self.readFinding)
        }
    }

    /// One finding and its actions (by playbook, then sequence), or nil.
    public func finding(id: String) throws(StoreError) -> (StoredFinding, [ActionRecord])? {
        try withReader { db throws(StoreError) -> (StoredFinding, [ActionRecord])? in
            guard let finding = try db.query("""
                SELECT \(Self.findingColumns) FROM findings
                WHERE id = ?
                """, [.text(id)], operation: "read finding \(id)", row: Self.readFinding).first
            else { return nil }
            let actions = try db.query("""
                SELECT \(ActionRow.columns) FROM actions WHERE finding_id = ?
                ORDER BY playbook, sequence, created_at, id
                """, [.text(id)], operation: "read actions of finding \(id)", row: ActionRow.read)
            return (finding, actions)
        }
    }

    /// One action, or nil.
    public func action(id: String) throws(StoreError) -> ActionRecord? {
        try withConnection { db throws(StoreError) in
            try ActionRow.fetch([id], in: db).first
        }
    }

    /// How many actions of each step are in each state (pairs with no action are left out).
    public func actionCounts() throws(StoreError) -> [ActionCount] {
        try withReader { db throws(StoreError) in
            try db.query("SELECT step, state, COUNT(*) FROM actions GROUP BY step, state ORDER BY step, state",
                         operation: "count actions by step and state") { row throws(StoreError) in
                let step = row.text(0), state = row.text(1)
                guard let kind = StepKind(rawValue: step), let actionState = ActionState(rawValue: state) else {
                    throw .corruptRow(table: "actions", id: "(\(step), \(state))", reason: "unknown step or state")
                }
                return ActionCount(step: kind, state: actionState, count: row.int(2))
            }
        }
    }

    /// Actions waiting to run (including those waiting for `notBefore` or an earlier step).
    public func pendingCount() throws(StoreError) -> Int {
        try withReader { db throws(StoreError) in
            Int(try db.scalar("SELECT COUNT(*) FROM actions WHERE state = 'pending'", operation: "count pending actions"))
        }
    }

    static let findingColumns = """
        id, rule_id, title, level, time_ms, resource_type, resource_id, json, match_count, first_seen_ms, last_seen_ms, \
        samples, window_end_ms
        """

    static func readFinding(_ row: SQLiteRow) throws(StoreError) -> StoredFinding {
        let samples = try StoreJSON.decodeRawList(row.text(11), column: "samples", findingID: row.text(0))
        return StoredFinding(id: row.text(0), ruleID: row.text(1), title: row.text(2), level: row.text(3),
                             timeMillis: row.int64(4), resourceType: row.text(5), resourceID: row.text(6), json: row.text(7),
                             count: row.int(8), firstSeenMillis: row.int64(9), lastSeenMillis: row.int64(10), samples: samples,
                             windowEndMillis: row.optionalInt64(12))
    }
}
