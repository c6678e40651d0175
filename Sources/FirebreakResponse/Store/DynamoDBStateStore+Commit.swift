import FirebreakAWS
import Foundation

/// A delivery's commit on the shared table. There is no transaction over a whole delivery (a delivery may touch
/// thousands of items): instead every step can be repeated without effect, and the delivery is marked done last.
///
/// 1. Claim the request id (`DynamoDBDeliveryLedger`): done → `.duplicate`; another task's live lease →
///    `deliveryInProgress` (503: Firehose tries again and finds it done).
/// 2. Count each finding (its delivery set makes a repeated count a no-op) or insert it (a conditional put).
/// 3. Plan the actions of the findings this delivery inserted: per action, its idempotency item (conditional), then
///    one transaction with its pointer, the action and its outbox entry.
/// 4. Mark the request id done, only if this task still holds it.
///
/// A crash anywhere in between leaves the delivery unacknowledged; Firehose's next try (on any task) repeats the
/// steps, and each finds its work done: a finding inserted by the earlier try is recognised by its first request id,
/// so its actions are planned then if they were not yet.
extension DynamoDBStateStore {
    public func commit<F: CommitFinding>(delivery: DeliveryRecord, findings: inout [F], actions: [PlannedAction],
                                         now: Date, maxSamples: Int) throws(StoreError) -> CommitOutcome {
        try recordingFailure { () throws(StoreError) -> CommitOutcome in
            switch try ledger.claim(delivery.requestID, now: now, lease: deliveryLease) {
            case .done: return .duplicate
            case .held(let until): throw .deliveryInProgress(requestID: delivery.requestID, until: until)
            case .claimed: break
            }
            do throws(StoreError) {
                let summary = try commitClaimed(delivery.requestID, findings: &findings, actions: actions, now: now,
                                                maxSamples: maxSamples)
                try ledger.markDone(delivery.requestID, now: now)
                return .committed(summary)
            } catch {
                try? ledger.release(delivery.requestID)
                throw error
            }
        }
    }

    private func commitClaimed<F: CommitFinding>(_ requestID: String, findings: inout [F], actions: [PlannedAction],
                                                 now: Date, maxSamples: Int) throws(StoreError) -> CommitSummary {
        var summary = CommitSummary()
        var known = Set<String>()
        var planned: [PlannedAction] = []
        var windowEnds: [String: Int64] = [:]
        let expires = now.addingTimeInterval(retention.findings)
        for index in findings.indices {
            let id = findings[index].id
            var inserted = false
            var outcome = try findingTable.count(id, requestID: requestID, matches: findings[index].count,
                                                 firstSeenMillis: findings[index].firstSeenMillis,
                                                 lastSeenMillis: findings[index].lastSeenMillis)
            if outcome == .missing {
                let row = findings[index].row()
                if try findingTable.insert(row, requestID: requestID, now: now, maxSamples: maxSamples, expiresAt: expires) {
                    inserted = true
                    try putDayEntry(row, storedAt: now, expires: expires)
                    windowEnds[id] = row.windowEndMillis
                } else {
                    // Another task inserted it a moment ago: count into it.
                    outcome = try findingTable.count(id, requestID: requestID, matches: findings[index].count,
                                                     firstSeenMillis: findings[index].firstSeenMillis,
                                                     lastSeenMillis: findings[index].lastSeenMillis)
                }
            }
            switch outcome {
            case .alreadyCounted(insertedByThisDelivery: true) where !inserted:
                // An earlier try of this delivery inserted it and may have died before planning its actions.
                let row = findings[index].row()
                try putDayEntry(row, storedAt: now, expires: expires)
                windowEnds[id] = row.windowEndMillis
                inserted = true
            case .counted(let held) where !inserted:
                let samples = held < maxSamples ? findings[index].samples(limit: maxSamples - held) : []
                try findingTable.addSamples(id, samples, held: held, maxSamples: maxSamples)
            default:
                break
            }
            if inserted {
                summary.insertedFindingIDs.append(id)
                planned += findings[index].plannedActions()
            } else {
                summary.knownFindings += 1
                known.insert(id)
            }
        }
        for action in [planned, actions].joined() {
            // A finding seen before had its response planned then: no new actions, no new alert.
            if known.contains(action.findingID) {
                summary.duplicateActions += 1
                continue
            }
            var windowEnd = windowEnds[action.findingID]
            if windowEnd == nil { windowEnd = try findingTable.finding(action.findingID)?.windowEndMillis }
            if let stored = try insertAction(action, origin: requestID, windowEndMillis: windowEnd, now: now) {
                summary.insertedActions.append(stored)
            } else {
                summary.duplicateActions += 1
            }
        }
        return summary
    }

    /// The finding's entry in the partition of the day it was stored, sorted by event time, for
    /// `findings(since:level:rule:limit:)`.
    private func putDayEntry(_ finding: StoredFinding, storedAt now: Date, expires: Date) throws(StoreError) {
        let item: DynamoDBItem = [
            "pk": .string(Self.dayKey(now.storeMillis)),
            "sk": .string("\(Self.padded(finding.timeMillis))#\(finding.id)"),
            "finding_id": .string(finding.id), "level": .string(finding.level), "rule_id": .string(finding.ruleID),
            "expires_at": .integer(Self.seconds(expires)),
        ]
        do {
            try dynamo.putItem(table: table, item: item)
        } catch {
            throw failure("index finding \(finding.id)", error)
        }
    }

    /// Inserts one action: first its idempotency item (a conditional put: the key has no action inside the window, or
    /// the one it has was planned by this same `origin` and finding, i.e. an earlier try of this insert), then one
    /// transaction with its pointer, the action in its finding's partition, its outbox and summary entries, and its
    /// counter when it is planned final. Returns the action as stored (its id may have a `-<ms>` suffix when an older
    /// action of the same key holds the id), or nil when the key has another plan's action inside the window.
    /// `origin` names who plans it (the request id). A crash between the two writes is repaired by the next try:
    /// the idempotency item names this origin, so the transaction is sent again.
    func insertAction(_ action: PlannedAction, origin: String, windowEndMillis: Int64?, now: Date) throws(StoreError)
        -> PlannedAction? {
        var stored = action
        let windowStart = now.addingTimeInterval(-idempotencyWindow).storeMillis
        func claimKey(_ id: String, condition: DynamoDBExpression?) throws(DynamoDBError) {
            try dynamo.putItem(table: table, item: Self.idempotencyKey(action.idempotencyKey).merging([
                "action_id": .string(id), "finding_id": .string(action.findingID), "origin": .string(origin),
                "created_ms": .integer(now.storeMillis),
                "expires_at": .integer(Self.seconds(now.addingTimeInterval(idempotencyWindow))),
            ]) { $1 }, condition: condition, returnOld: true)
        }
        do {
            try claimKey(stored.id, condition: DynamoDBExpression("attribute_not_exists(pk) OR created_ms <= :windowStart",
                                                                  values: [":windowStart": .integer(windowStart)]))
        } catch .conditionalCheckFailed(let held) {
            // The key has an action inside the window: this plan's own (an earlier try), or another plan's.
            guard held?["origin"]?.stringValue == origin, held?["finding_id"]?.stringValue == action.findingID,
                  let id = held?["action_id"]?.stringValue else { return nil }
            stored.id = id
        } catch {
            throw failure("claim idempotency key \(action.idempotencyKey)", error)
        }
        for attempt in 1...Self.maxAttempts {
            let item = DynamoDBActionItem.new(stored, now: now)
            var writes: [DynamoDBWrite] = [
                .put(item: DynamoDBActionItem.pointerKey(stored.id).merging([
                    "action_pk": item.key["pk"] ?? .null, "action_sk": item.key["sk"] ?? .null,
                    "finding_id": .string(action.findingID),
                    "expires_at": .integer(Self.seconds(now.addingTimeInterval(retention.findings + 7 * 86400))),
                ]) { $1 }, condition: DynamoDBExpression("attribute_not_exists(pk)")),
                .put(item: item.item, condition: DynamoDBExpression("attribute_not_exists(pk)")),
            ]
            if Self.isFinal(action.state) {
                writes.append(Self.countsWrite(actionID: stored.id, step: action.step.kind, to: action.state))
            } else {
                let entry = Self.outboxKey(createdMillis: now.storeMillis, findingID: action.findingID, playbook: action.playbook)
                writes.append(.put(item: entry.merging([
                    "finding_id": .string(action.findingID), "playbook": .string(action.playbook),
                    "nonce": .string(UUID().uuidString),
                ]) { $1 }))
            }
            if item.wantsSummary, let windowEndMillis {
                writes.append(.put(item: Self.summaryKey(windowEndMillis: windowEndMillis, findingID: action.findingID,
                                                         actionID: stored.id)
                    .merging(["finding_id": .string(action.findingID), "action_id": .string(stored.id)]) { $1 }))
            }
            do {
                try dynamo.transactWrite(table: table, writes)
                remember(item)
                return stored
            } catch .transactionCanceled(let reasons) {
                if reasons.contains(where: { $0.code == "TransactionConflict" }) {
                    Thread.sleep(forTimeInterval: Double.random(in: 0.005...0.02) * Double(attempt))
                    continue
                }
                guard reasons.first?.code == "ConditionalCheckFailed" else {
                    throw failure("insert action \(action.id)", .transactionCanceled(reasons: reasons))
                }
                // The id has a pointer: this action's own (the earlier try got this far), or an older action's of
                // the same key, planned again after its window: that one keeps the id, this one gets a suffix.
                let pointer = try read(DynamoDBActionItem.pointerKey(stored.id), operation: "read the pointer of \(stored.id)")
                if pointer?["finding_id"]?.stringValue == action.findingID, pointer?["action_sk"] == item.key["sk"] {
                    return stored
                }
                stored.id = attempt == 1 ? "\(action.id)-\(now.storeMillis)" : "\(action.id)-\(now.storeMillis)-\(attempt)"
                do {
                    try claimKey(stored.id, condition: nil)
                } catch {
                    throw failure("claim idempotency key \(action.idempotencyKey)", error)
                }
            } catch {
                throw failure("insert action \(action.id) (\(action.step.kind.rawValue) \(action.resourceID))", error)
            }
        }
        throw failure("insert action \(action.id)",
                      .invalidRequest("the action's items kept changing under \(Self.maxAttempts) attempts"))
    }

    func read(_ key: DynamoDBItem, operation: String) throws(StoreError) -> DynamoDBItem? {
        do {
            return try dynamo.getItem(table: table, key: key)
        } catch {
            throw failure(operation, error)
        }
    }

    static let maxAttempts = 8
}
