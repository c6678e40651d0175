import Foundation

extension ResponseStore {
    /// Commits one Firehose delivery with its findings and planned actions, in one transaction.
    ///
    /// - A request id already committed → `.duplicate`, and nothing is written (Firehose redelivery).
    /// - A finding id already stored (another match of its rule on its dedup key in its window, from an earlier
    ///   delivery) is counted (`match_count`, first and last seen, samples up to `maxSamples`), and its actions
    ///   are not planned again.
    /// - An action whose idempotency key already has an action created within `idempotencyWindow` of
    ///   `now` is not inserted (counted in `duplicateActions`).
    /// - An action whose id is taken by an older action of the same key (a key outside the window,
    ///   planned again) is stored as `<id>-<now in ms>`; `insertedActions` has the ids as stored.
    ///
    /// - A store at `maxBytes` refuses a new delivery with `StoreError.full` (a redelivery is still `.duplicate`).
    ///
    /// Any failure (constraint, disk full, lock past the busy timeout) rolls everything back and throws:
    /// do not acknowledge the delivery. An action must belong to one of `findings` or to a stored finding.
    public func commit(delivery: DeliveryRecord, findings: [StoredFinding], actions: [PlannedAction],
                       now: Date, maxSamples: Int = 5) throws(StoreError) -> CommitOutcome {
        var findings = findings
        return try commit(delivery: delivery, findings: &findings, actions: actions, now: now, maxSamples: maxSamples)
    }

    /// `commit(delivery:findings:actions:now:maxSamples:)` for findings produced on demand: a finding the store
    /// already has is counted without its row being asked for; a new one's row is asked for, inserted, and its
    /// `plannedActions()` inserted before `actions`.
    public func commit<F: CommitFinding>(delivery: DeliveryRecord, findings: inout [F], actions: [PlannedAction] = [],
                                         now: Date, maxSamples: Int = 5) throws(StoreError) -> CommitOutcome {
        let windowStart = now.storeMillis - Int64((idempotencyWindow * 1000).rounded())
        return try acknowledgingWrite(wrote: { $0 != .duplicate }) { () throws(StoreError) -> CommitOutcome in try withConnection { db throws(StoreError) in
            try db.transaction("commit delivery \(delivery.requestID)") { () throws(StoreError) -> CommitOutcome in
                let known = try db.scalar("SELECT COUNT(*) FROM deliveries WHERE request_id = ?",
                                          [.text(delivery.requestID)], operation: "look up delivery")
                if known > 0 { return .duplicate }
                try checkRoom(db)
                try db.execute("""
                    INSERT INTO deliveries (request_id, received_at, records, events, findings)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                    [.text(delivery.requestID), .millis(delivery.receivedAt), .int(delivery.records),
                     .int(delivery.events), .int(delivery.findings)],
                    operation: "insert delivery \(delivery.requestID)")

                var summary = CommitSummary()
                var seenBefore = Set<String>()
                var planned: [PlannedAction] = []
                for index in findings.indices {
                    let id = findings[index].id
                    // The samples the stored finding holds; nil when the store does not have it.
                    let held = try db.query("SELECT json_array_length(samples) FROM findings WHERE id = ?", [.text(id)],
                                            operation: "look up finding \(id)") { row throws(StoreError) in row.int64(0) }.first
                    guard let held else {
                        let finding = findings[index].row()
                        try db.execute("""
                            INSERT INTO findings (id, rule_id, title, level, time_ms, resource_type,
                                resource_id, json, first_request_id, created_at, match_count, first_seen_ms, last_seen_ms, samples,
                                window_end_ms)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                            [.text(finding.id), .text(finding.ruleID), .text(finding.title), .text(finding.level),
                             .integer(finding.timeMillis), .text(finding.resourceType), .text(finding.resourceID),
                             .text(finding.json), .text(delivery.requestID), .millis(now), .int(finding.count),
                             .integer(finding.firstSeenMillis), .integer(finding.lastSeenMillis),
                             .text("[" + finding.samples.prefix(maxSamples).joined(separator: ",") + "]"),
                             finding.windowEndMillis.map(SQLiteValue.integer) ?? .null],
                            operation: "insert finding \(finding.id)")
                        summary.insertedFindingIDs.append(id)
                        planned += findings[index].plannedActions()
                        continue
                    }
                    // The same finding from an earlier delivery (another match in its window): counted, not
                    // stored again; samples are added while there are fewer than `maxSamples`.
                    summary.knownFindings += 1
                    seenBefore.insert(id)
                    let room = maxSamples - Int(held)
                    let samples = room > 0 ? findings[index].samples(limit: room) : []
                    if samples.isEmpty {
                        try db.execute("""
                            UPDATE findings SET match_count = match_count + ?, first_seen_ms = MIN(first_seen_ms, ?),
                                last_seen_ms = MAX(last_seen_ms, ?)
                            WHERE id = ?
                            """,
                            [.int(findings[index].count), .integer(findings[index].firstSeenMillis),
                             .integer(findings[index].lastSeenMillis), .text(id)],
                            operation: "count finding \(id)")
                        continue
                    }
                    try db.execute("""
                        UPDATE findings SET match_count = match_count + ?, first_seen_ms = MIN(first_seen_ms, ?),
                            last_seen_ms = MAX(last_seen_ms, ?),
                            samples = (
                                SELECT json_group_array(json(value)) FROM (
                                    SELECT value FROM (
                                        SELECT value, 0 AS part, key FROM json_each(findings.samples)
                                        UNION ALL SELECT value, 1 AS part, key FROM json_each(?))
                                    ORDER BY part, key LIMIT ?))
                        WHERE id = ?
                        """,
                        [.int(findings[index].count), .integer(findings[index].firstSeenMillis),
                         .integer(findings[index].lastSeenMillis), .text("[" + samples.joined(separator: ",") + "]"),
                         .int(maxSamples), .text(id)],
                        operation: "count finding \(id)")
                }

                for action in [planned, actions].joined() {
                    // A finding seen before had its response planned then: no new actions, no new alert.
                    if seenBefore.contains(action.findingID) {
                        summary.duplicateActions += 1
                        continue
                    }
                    let recent = try db.scalar("""
                        SELECT COUNT(*) FROM actions WHERE idempotency_key = ? AND created_at > ?
                        """, [.text(action.idempotencyKey), .integer(windowStart)],
                        operation: "look up idempotency key \(action.idempotencyKey)")
                    if recent > 0 {
                        summary.duplicateActions += 1
                        continue
                    }
                    var stored = action
                    stored.id = try Self.freeActionID(action.id, now: now, in: db)
                    try Self.insert(stored, now: now, in: db)
                    summary.insertedActions.append(stored)
                }
                return .committed(summary)
            }
        } }
    }

    /// True when a delivery with this request id is committed.
    public func hasDelivery(_ requestID: String) throws(StoreError) -> Bool {
        try withConnection { db throws(StoreError) in
            try db.scalar("SELECT COUNT(*) FROM deliveries WHERE request_id = ?", [.text(requestID)],
                          operation: "look up delivery \(requestID)") > 0
        }
    }

    /// `id` if no action has it, else `id-<ms>` (then `id-<ms>-2`, ...).
    private static func freeActionID(_ id: String, now: Date, in db: SQLiteConnection) throws(StoreError) -> String {
        var candidate = id
        var attempt = 1
        while try db.scalar("SELECT COUNT(*) FROM actions WHERE id = ?", [.text(candidate)],
                            operation: "look up action id \(candidate)") > 0 {
            candidate = attempt == 1 ? "\(id)-\(now.storeMillis)" : "\(id)-\(now.storeMillis)-\(attempt)"
            attempt += 1
        }
        return candidate
    }

    static func insert(_ action: PlannedAction, now: Date, in db: SQLiteConnection) throws(StoreError) {
        try db.execute("""
            INSERT INTO actions (id, finding_id, rule_id, playbook, sequence, step, options_json, resource_type,
                resource_id, idempotency_key, state, reason, payload, attempts, last_error, aws_request_ids,
                created_at, updated_at, not_before, wants_summary)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, '[]', ?, ?, 0, ?)
            """,
            [.text(action.id), .text(action.findingID), .text(action.ruleID), .text(action.playbook),
             .int(action.sequence), .text(action.step.kind.rawValue), .text(StoreJSON.encode(action.step.options)),
             .text(action.resourceType), .text(action.resourceID), .text(action.idempotencyKey),
             .text(action.state.rawValue), .optionalText(action.reason), .text(action.payload),
             .millis(now), .millis(now), .int(action.wantsSummary ? 1 : 0)],
            operation: "insert action \(action.id) (\(action.step.kind.rawValue) \(action.resourceID))")
    }
}
