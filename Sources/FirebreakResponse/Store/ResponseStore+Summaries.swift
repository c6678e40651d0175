import Foundation

/// What `SummaryAlerts` reads and writes: findings whose window has closed with more than one match and whose plan
/// has a finished `alert: {summary: true}` step not yet summarized, and actions added outside a delivery.
extension ResponseStore {
    /// Up to `limit` such findings, each with its summary-asking alert action.
    public func dueSummaries(windowEndedBefore end: Date, limit: Int = 100) throws(StoreError)
        -> [(finding: StoredFinding, alert: ActionRecord)] {
        try withConnection { db throws(StoreError) -> [(finding: StoredFinding, alert: ActionRecord)] in
            let pairs = try db.query("""
                SELECT f.id, a.id FROM findings f JOIN actions a ON a.finding_id = f.id
                WHERE f.match_count > 1 AND f.window_end_ms IS NOT NULL AND f.window_end_ms < ?
                  AND a.step = 'alert' AND a.state IN ('done', 'skipped', 'failed')
                  AND a.payload LIKE '%"summary":true%'
                  AND NOT EXISTS (SELECT 1 FROM actions s WHERE s.id = a.id || '-summary')
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

    /// Adds actions outside a delivery's commit, in one transaction; an action whose id or idempotency key is taken
    /// is left out. Returns how many were added.
    @discardableResult
    public func add(_ actions: [PlannedAction], now: Date) throws(StoreError) -> Int {
        guard !actions.isEmpty else { return 0 }
        return try withConnection { db throws(StoreError) in
            try db.transaction("add \(actions.count) actions") { () throws(StoreError) -> Int in
                var added = 0
                for action in actions {
                    let taken = try db.scalar("SELECT COUNT(*) FROM actions WHERE id = ? OR idempotency_key = ?",
                                              [.text(action.id), .text(action.idempotencyKey)],
                                              operation: "look up action \(action.id)")
                    if taken > 0 { continue }
                    try Self.insert(action, now: now, in: db)
                    added += 1
                }
                return added
            }
        }
    }
}
