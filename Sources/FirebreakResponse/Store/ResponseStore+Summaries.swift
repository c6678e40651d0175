import Foundation

/// What `SummaryAlerts` reads and writes: findings whose window has closed with more than one match and whose plan
/// has a finished `alert: {summary: true}` step not yet summarized, and actions added outside a delivery.
extension ResponseStore {
    /// Up to `limit` such findings, each with its summary-asking alert action (`wants_summary`, see `addSummaries`).
    /// Alerts whose finding's window closed with a single match want nothing more: their mark is cleared here.
    public func dueSummaries(windowEndedBefore end: Date, limit: Int = 100) throws(StoreError)
        -> [(finding: StoredFinding, alert: ActionRecord)] {
        try withConnection { db throws(StoreError) -> [(finding: StoredFinding, alert: ActionRecord)] in
            try db.execute("""
                UPDATE actions SET wants_summary = 0
                WHERE wants_summary = 1 AND state IN ('done', 'skipped', 'failed')
                  AND finding_id IN (SELECT id FROM findings WHERE window_end_ms < ? AND match_count <= 1)
                """, [.millis(end)], operation: "clear summaries of single-match windows")
            let pairs = try db.query("""
                SELECT f.id, a.id FROM actions a JOIN findings f ON f.id = a.finding_id
                WHERE a.wants_summary = 1 AND a.state IN ('done', 'skipped', 'failed')
                  AND f.match_count > 1 AND f.window_end_ms IS NOT NULL AND f.window_end_ms < ?
                ORDER BY f.window_end_ms LIMIT ?
                """, [.millis(end), .int(limit)], operation: "find due summaries") { row throws(StoreError) in
                (row.text(0), row.text(1))
            }
            var due: [(finding: StoredFinding, alert: ActionRecord)] = []
            for (findingID, actionID) in pairs {
                guard let finding = try db.query("SELECT \(Self.findingColumns) FROM findings WHERE id = ?", [.text(findingID)],
                                                 operation: "read finding \(findingID)", row: Self.readFinding).first,
                      let alert = try ActionRow.fetch([actionID], in: db).first else { continue }
                due.append((finding, alert))
            }
            return due
        }
    }

    /// Adds summary actions and clears the mark of the alerts they summarize (`alertIDs`), in one transaction, so a
    /// summary is planned once. Returns how many were added.
    @discardableResult
    public func addSummaries(_ actions: [PlannedAction], for alertIDs: [String], now: Date) throws(StoreError) -> Int {
        try withConnection { db throws(StoreError) in
            try db.transaction("add \(actions.count) summary alerts") { () throws(StoreError) -> Int in
                let added = try Self.addNew(actions, now: now, in: db)
                for id in alertIDs {
                    try db.execute("UPDATE actions SET wants_summary = 0 WHERE id = ?", [.text(id)],
                                   operation: "mark alert \(id) summarized")
                }
                return added
            }
        }
    }

    /// Adds actions outside a delivery's commit, in one transaction; an action whose id or idempotency key is taken
    /// is left out. Returns how many were added.
    @discardableResult
    public func add(_ actions: [PlannedAction], now: Date) throws(StoreError) -> Int {
        guard !actions.isEmpty else { return 0 }
        return try withConnection { db throws(StoreError) in
            try db.transaction("add \(actions.count) actions") { () throws(StoreError) -> Int in
                try Self.addNew(actions, now: now, in: db)
            }
        }
    }

    private static func addNew(_ actions: [PlannedAction], now: Date, in db: SQLiteConnection) throws(StoreError) -> Int {
        var added = 0
        for action in actions {
            let taken = try db.scalar("SELECT COUNT(*) FROM actions WHERE id = ? OR idempotency_key = ?",
                                      [.text(action.id), .text(action.idempotencyKey)],
                                      operation: "look up action \(action.id)")
            if taken > 0 { continue }
            try insert(action, now: now, in: db)
            added += 1
        }
        return added
    }
}
