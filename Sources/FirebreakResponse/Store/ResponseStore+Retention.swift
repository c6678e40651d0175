import Foundation

/// Pruning: the store keeps findings, their actions and delivery request ids for a while, not for ever.
///
/// Each call is one short transaction of at most `limit` rows, so a delivery's commit waits for one batch at most;
/// `StorePruner` calls them from its own thread, batch after batch.
extension ResponseStore {
    /// The database's size now, read through the query connection (no wait for a commit).
    public func size() throws(StoreError) -> StoreSize {
        try withReader { db throws(StoreError) in try Self.size(db) }
    }

    /// Throws `StoreError.full` when `maxBytes` is set and the pages in use reach it (inside a write transaction).
    func checkRoom(_ db: SQLiteConnection) throws(StoreError) {
        guard maxBytes > 0 else { return }
        let size = try Self.size(db)
        if size.usedBytes >= maxBytes { throw .full(path: path, usedBytes: size.usedBytes, maxBytes: maxBytes) }
    }

    /// Removes, oldest first (by when they were stored), findings stored before `createdBefore` whose actions are all
    /// final and settled: `done`, `failed` or `skipped` (a `pending`, `running` or `held` action keeps its finding), and
    /// none created or changed at or after `settledBefore` (the idempotency and blast-radius windows count recent
    /// actions). A finding's actions go with it. At most `limit` rows in all, findings and actions counted; a finding
    /// with more actions than that goes alone. Returns what was removed (nothing: no finding qualifies).
    public func pruneFindings(createdBefore: Date, settledBefore: Date, limit: Int = 500) throws(StoreError) -> PruneCount {
        try withConnection { db throws(StoreError) in
            try db.transaction("prune findings") { () throws(StoreError) -> PruneCount in
                let candidates = try db.query("""
                    SELECT f.id, (SELECT COUNT(*) FROM actions a WHERE a.finding_id = f.id) FROM findings f
                    WHERE f.created_at < ?
                      AND NOT EXISTS (
                        SELECT 1 FROM actions a WHERE a.finding_id = f.id
                          AND (a.state IN ('pending', 'running', 'held') OR a.updated_at >= ? OR a.created_at >= ?))
                    ORDER BY f.created_at, f.id
                    LIMIT ?
                    """, [.millis(createdBefore), .millis(settledBefore), .millis(settledBefore), .int(max(1, limit))],
                    operation: "find findings to prune") { row throws(StoreError) in (row.text(0), row.int(1)) }
                var ids: [String] = []
                var rows = 0
                for (id, actions) in candidates {
                    if !ids.isEmpty && rows + 1 + actions > limit { break }
                    ids.append(id)
                    rows += 1 + actions
                }
                guard !ids.isEmpty else { return PruneCount() }
                let list = SQLiteValue.placeholders(ids.count)
                let parameters = ids.map { SQLiteValue.text($0) }
                let actions = try db.execute("DELETE FROM actions WHERE finding_id IN (\(list))", parameters,
                                             operation: "prune the actions of \(ids.count) findings")
                let findings = try db.execute("DELETE FROM findings WHERE id IN (\(list))", parameters,
                                              operation: "prune \(ids.count) findings")
                return PruneCount(findings: findings, actions: actions)
            }
        }
    }

    /// Removes up to `limit` delivery request ids received before `receivedBefore`, oldest first. A delivery that a
    /// stored finding names as its first (`first_request_id`) stays until that finding is pruned.
    public func pruneDeliveries(receivedBefore: Date, limit: Int = 500) throws(StoreError) -> PruneCount {
        try withConnection { db throws(StoreError) in
            try db.transaction("prune deliveries") { () throws(StoreError) -> PruneCount in
                let removed = try db.execute("""
                    DELETE FROM deliveries WHERE request_id IN (
                        SELECT d.request_id FROM deliveries d
                        WHERE d.received_at < ?
                          AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.first_request_id = d.request_id)
                        ORDER BY d.received_at
                        LIMIT ?)
                    """, [.millis(receivedBefore), .int(max(1, limit))], operation: "prune deliveries")
                return PruneCount(deliveries: removed)
            }
        }
    }

    static func size(_ db: SQLiteConnection) throws(StoreError) -> StoreSize {
        StoreSize(pageSize: try db.scalar("PRAGMA page_size", operation: "read page_size"),
                  pageCount: try db.scalar("PRAGMA page_count", operation: "read page_count"),
                  freePages: try db.scalar("PRAGMA freelist_count", operation: "read freelist_count"))
    }
}
