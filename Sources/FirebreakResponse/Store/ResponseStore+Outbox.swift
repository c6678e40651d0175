import Foundation

/// The outbox, as the executor uses it.
///
/// Life of an action: `pending` → (`claim`) `running` → (`finish`) `done` | `failed` | `skipped` | `held`,
/// or (`retryLater`) back to `pending` with a `notBefore`. `resumeInterrupted` puts `running` actions
/// back to `pending` after a restart.
///
/// Order within a plan (the actions of one finding and playbook): an action is claimable only when every
/// action of its plan with a lower `sequence` is final (`done`, `failed`, `skipped`, `held`). When an
/// earlier action `failed` or is `held`, the later pending actions that change the account are `skipped`
/// ("an earlier step failed" / "an earlier step is held"): evidence before containment, so a failed
/// snapshot never lets a terminate run. Later `alert` steps still run, so a human hears of it. A
/// `skipped` earlier action (planned not to run) does not block the later ones.
extension ResponseStore {
    /// Reason given to actions skipped because an earlier step of their plan failed.
    public static let earlierStepFailed = "an earlier step failed"
    /// Reason given to actions skipped because an earlier step of their plan is held.
    public static let earlierStepHeld = "an earlier step is held"

    /// Atomically moves up to `limit` claimable actions from `pending` to `running` (attempts + 1) with a lease
    /// until `now + lease`, and returns them, oldest first. Two callers (threads, stores, processes on one file)
    /// never get the same action while its lease runs. Claimable: `pending` with `notBefore` ≤ `now`, or
    /// `running` whose lease has expired (its executor died or wedged), and every earlier step of its plan final.
    public func claim(limit: Int, now: Date, lease: TimeInterval = 300) throws(StoreError) -> [ActionRecord] {
        guard limit > 0 else { return [] }
        let leaseUntil = now.addingTimeInterval(max(1, lease))
        return try withConnection { db throws(StoreError) in
            try db.transaction("claim actions") { () throws(StoreError) -> [ActionRecord] in
                try Self.skipAfterFailedOrHeld(now: now, in: db)
                let ids = try db.query("""
                    SELECT a.id FROM actions a
                    WHERE ((a.state = 'pending' AND a.not_before <= ?) OR (a.state = 'running' AND a.lease_until <= ?))
                      AND NOT EXISTS (
                        SELECT 1 FROM actions p
                        WHERE p.finding_id = a.finding_id AND p.playbook = a.playbook
                          AND p.sequence < a.sequence AND p.state IN ('pending', 'running'))
                    ORDER BY a.created_at, a.sequence, a.id
                    LIMIT ?
                    """, [.millis(now), .millis(now), .int(limit)], operation: "find claimable actions") {
                    row throws(StoreError) in row.text(0)
                }
                for id in ids {
                    try db.execute("""
                        UPDATE actions SET state = 'running', attempts = attempts + 1, lease_until = ?, updated_at = ?,
                            last_error = CASE WHEN state = 'running' THEN 'lease expired: taken over' ELSE last_error END
                        WHERE id = ? AND (state = 'pending' OR (state = 'running' AND lease_until <= ?))
                        """, [.millis(leaseUntil), .millis(now), .text(id), .millis(now)], operation: "claim action \(id)")
                }
                return try ActionRow.fetch(ids, in: db)
            }
        }
    }

    /// Gives claimed actions back (`running` → `pending`, lease cleared) when the executor cannot finish them,
    /// e.g. after a store error; they are claimed again on a later round. Actions in another state are left.
    public func release(actionIDs: [String], now: Date) throws(StoreError) {
        guard !actionIDs.isEmpty else { return }
        _ = try withConnection { db throws(StoreError) in
            try db.transaction("release actions") { () throws(StoreError) -> Int in
                try db.execute("""
                    UPDATE actions SET state = 'pending', lease_until = 0, updated_at = ?
                    WHERE state = 'running' AND id IN (\(SQLiteValue.placeholders(actionIDs.count)))
                    """, [.millis(now)] + actionIDs.map { .text($0) }, operation: "release claimed actions")
            }
        }
    }

    /// Ends an action: `done` or `failed` from the executor; `held` or `skipped` (with a `reason`) from the
    /// executor or an operator. Allowed from `pending` or `running`. Finishing again with the same state
    /// is a no-op (the executor may repeat itself after a crash); with another final state it throws
    /// `invalidTransition`. `awsRequestIDs` are appended to those of earlier attempts; `error`, when
    /// given, becomes `lastError`.
    public func finish(actionID: String, state: ActionState, reason: String? = nil, error: String? = nil,
                       awsRequestIDs: [String] = [], createdIDs: [String] = [], now: Date) throws(StoreError) {
        try withConnection { db throws(StoreError) in
            try db.transaction("finish action \(actionID)") { () throws(StoreError) in
                let current = try Self.record(actionID, in: db)
                guard Self.isFinal(state) else {
                    throw .invalidTransition(id: actionID, from: current.state, to: state)
                }
                guard !Self.isFinal(current.state) else {
                    if current.state == state { return }
                    throw .invalidTransition(id: actionID, from: current.state, to: state)
                }
                try db.execute("""
                    UPDATE actions SET state = ?, reason = COALESCE(?, reason), last_error = COALESCE(?, last_error),
                        aws_request_ids = ?, created_ids = ?, updated_at = ?
                    WHERE id = ?
                    """,
                    [.text(state.rawValue), .optionalText(reason), .optionalText(error),
                     .text(StoreJSON.encode(current.awsRequestIDs + awsRequestIDs)),
                     .text(StoreJSON.encode(current.createdIDs + createdIDs)), .millis(now), .text(actionID)],
                    operation: "finish action \(actionID) as \(state.rawValue)")
                if state == .failed || state == .held {
                    try Self.skipAfterFailedOrHeld(now: now, in: db)
                }
            }
        }
    }

    /// Puts a `running` action back to `pending`, claimable again from `notBefore` (a transient AWS error,
    /// throttling). Its attempts count stays, so the executor can give up after N.
    public func retryLater(actionID: String, error: String, notBefore: Date, awsRequestIDs: [String] = [],
                           now: Date = Date()) throws(StoreError) {
        try withConnection { db throws(StoreError) in
            try db.transaction("retry action \(actionID) later") { () throws(StoreError) in
                let current = try Self.record(actionID, in: db)
                guard current.state == .running else {
                    throw .invalidTransition(id: actionID, from: current.state, to: .pending)
                }
                try db.execute("""
                    UPDATE actions SET state = 'pending', last_error = ?, not_before = ?, aws_request_ids = ?,
                        updated_at = ?
                    WHERE id = ?
                    """,
                    [.text(error), .millis(notBefore), .text(StoreJSON.encode(current.awsRequestIDs + awsRequestIDs)),
                     .millis(now), .text(actionID)],
                    operation: "retry action \(actionID) later")
            }
        }
    }

    /// After a restart: every `running` action (its executor died mid-call) goes back to `pending`.
    /// Returns how many. AWS calls are made idempotent by the executor (client tokens, checks), so
    /// running one again is safe. Call once at startup, before the executor claims.
    @discardableResult
    public func resumeInterrupted(now: Date) throws(StoreError) -> Int {
        try withConnection { db throws(StoreError) in
            try db.transaction("resume interrupted actions") { () throws(StoreError) -> Int in
                try db.execute("""
                    UPDATE actions SET state = 'pending', updated_at = ?,
                        last_error = COALESCE(last_error, 'interrupted while running (restart)')
                    WHERE state = 'running'
                    """, [.millis(now)], operation: "resume interrupted actions")
            }
        }
    }

    /// Actions of these steps in these states whose last change is at or after `since`: for the
    /// blast-radius limit, the destructive steps `done` (actually carried out) in the last hour.
    public func countActions(kinds: Set<StepKind>, states: Set<ActionState>, since: Date) throws(StoreError) -> Int {
        guard !kinds.isEmpty, !states.isEmpty else { return 0 }
        let kindValues = kinds.map { SQLiteValue.text($0.rawValue) }
        let stateValues = states.map { SQLiteValue.text($0.rawValue) }
        return try withConnection { db throws(StoreError) in
            Int(try db.scalar("""
                SELECT COUNT(*) FROM actions
                WHERE step IN (\(SQLiteValue.placeholders(kinds.count)))
                  AND state IN (\(SQLiteValue.placeholders(states.count))) AND updated_at >= ?
                """, kindValues + stateValues + [.millis(since)], operation: "count actions"))
        }
    }

    // MARK: - Helpers (run inside a transaction)

    static func isFinal(_ state: ActionState) -> Bool {
        state != .pending && state != .running
    }

    static func record(_ id: String, in db: SQLiteConnection) throws(StoreError) -> ActionRecord {
        guard let record = try ActionRow.fetch([id], in: db).first else { throw .actionNotFound(id: id) }
        return record
    }

    /// Skips the pending account-changing actions that follow a failed or held action of their plan.
    static func skipAfterFailedOrHeld(now: Date, in db: SQLiteConnection) throws(StoreError) {
        let changing = StepKind.allCases.filter(\.changesAccount).map { SQLiteValue.text($0.rawValue) }
        for (blocking, reason) in [(ActionState.failed, earlierStepFailed), (.held, earlierStepHeld)] {
            try db.execute("""
                UPDATE actions SET state = 'skipped', reason = ?, updated_at = ?
                WHERE state = 'pending' AND step IN (\(SQLiteValue.placeholders(changing.count)))
                  AND EXISTS (
                    SELECT 1 FROM actions p
                    WHERE p.finding_id = actions.finding_id AND p.playbook = actions.playbook
                      AND p.sequence < actions.sequence AND p.state = ?)
                """, [.text(reason), .millis(now)] + changing + [.text(blocking.rawValue)],
                operation: "skip actions after a \(blocking.rawValue) step")
        }
    }
}

/// The blast radius on one file: the destructive steps `done` in the sliding window, counted when the next one is
/// about to run (one executor per store claims them in turn, so counting is enough; nothing to give back).
extension ResponseStore {
    public func reserveDestructive(actionID: String, limit: Int, window: TimeInterval, now: Date) throws(StoreError) -> Int? {
        let done = try countActions(kinds: Set(StepKind.allCases.filter(\.isDestructive)), states: [.done],
                                    since: now.addingTimeInterval(-window))
        return done >= limit ? done : nil
    }

    public func releaseDestructive(actionID: String, window: TimeInterval, now: Date) throws(StoreError) {}
}
