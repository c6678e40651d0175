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
        let store = self
        // 1. Count every finding, in parallel: on a noisy day most are known, and this is all they need.
        let counts = findings.map { (id: $0.id, count: $0.count, first: $0.firstSeenMillis, last: $0.lastSeenMillis) }
        let outcomes = try ParallelCalls.run(counts.count) { index throws(StoreError) -> DynamoDBFindingTable.Counted in
            let finding = counts[index]
            return try store.findingTable.count(finding.id, requestID: requestID, matches: finding.count,
                                                firstSeenMillis: finding.first, lastSeenMillis: finding.last)
        }
        // 2. What the others need, asked of the findings here (rows and samples are rendered on demand).
        var work: [FindingWork] = []
        for index in findings.indices {
            switch outcomes[index] {
            case .missing:
                work.append(.insert(findings[index].row()))
            case .alreadyCounted(insertedByThisDelivery: true):
                // An earlier try of this delivery inserted it and may have died before planning its actions.
                work.append(.index(findings[index].row()))
            case .counted(let held) where held < maxSamples:
                work.append(.samples(findings[index].samples(limit: maxSamples - held), held: held))
            default:
                work.append(.none)
            }
        }
        // 3. Insert the new ones and add samples, in parallel; a finding another task inserted meanwhile is counted.
        let todo = work
        let inserted = try ParallelCalls.run(todo.count) { index throws(StoreError) -> Bool in
            switch todo[index] {
            case .insert(let row):
                if try store.findingTable.insert(row, requestID: requestID, now: now, maxSamples: maxSamples, expiresAt: expires) {
                    try store.putDayEntry(row, storedAt: now, expires: expires)
                    return true
                }
                let finding = counts[index]
                _ = try store.findingTable.count(finding.id, requestID: requestID, matches: finding.count,
                                                 firstSeenMillis: finding.first, lastSeenMillis: finding.last)
                return false
            case .index(let row):
                try store.putDayEntry(row, storedAt: now, expires: expires)
                return true
            case .samples(let samples, let held):
                try store.findingTable.addSamples(counts[index].id, samples, held: held, maxSamples: maxSamples)
                return false
            case .none:
                return false
            }
        }
        for index in findings.indices {
            let id = counts[index].id
            if inserted[index] {
                switch work[index] {
                case .insert(let row), .index(let row): windowEnds[id] = row.windowEndMillis
                default: break
                }
                summary.insertedFindingIDs.append(id)
                planned += findings[index].plannedActions()
            } else {
                summary.knownFindings += 1
                known.insert(id)
            }
        }
        // 4. The actions, one plan after another: a plan's idempotency keys are claimed together, so that two
        // findings about one instance committed at once by two tasks never split one plan between them.
        let all = [planned, actions].joined().filter { action in
            guard known.contains(action.findingID) else { return true }
            // A finding seen before had its response planned then: no new actions, no new alert.
            summary.duplicateActions += 1
            return false
        }
        var plans: [String: [PlannedAction]] = [:]
        var order: [String] = []
        for action in all {
            let plan = action.findingID + "#" + action.playbook
            if plans[plan] == nil { order.append(plan) }
            plans[plan, default: []].append(action)
        }
        for plan in order {
            let actions = plans[plan] ?? []
            let claimed = try claimKeys(of: actions, origin: requestID, now: now)
            for action in actions {
                var windowEnd = windowEnds[action.findingID]
                if windowEnd == nil { windowEnd = try findingTable.finding(action.findingID)?.windowEndMillis }
                if let stored = try insertAction(action, origin: requestID, windowEndMillis: windowEnd, now: now,
                                                 keyClaimed: claimed) {
                    summary.insertedActions.append(stored)
                } else {
                    summary.duplicateActions += 1
                }
            }
        }
        return summary
    }

    /// What step 3 of a commit does for one finding.
    private enum FindingWork: Sendable {
        case insert(StoredFinding)
        case index(StoredFinding)
        case samples([String], held: Int)
        case none
    }

    /// Claims the idempotency keys of a plan's actions in one transaction, when none has an action inside the
    /// window; false (nothing claimed) otherwise, and the actions are then inserted one by one.
    private func claimKeys(of plan: [PlannedAction], origin: String, now: Date) throws(StoreError) -> Bool {
        guard plan.count > 1, plan.count <= DynamoDBClient.maxTransactionWrites,
              Set(plan.map(\.idempotencyKey)).count == plan.count else { return false }
        let windowStart = now.addingTimeInterval(-idempotencyWindow).storeMillis
        // A key already held (the usual case for a second finding about one resource) is seen by a read, so that the
        // transaction is sent only when it should succeed: a cancelled one is billed for every write.
        for action in plan {
            if let held = try read(Self.idempotencyKey(action.idempotencyKey), operation: "read idempotency key"),
               (held["created_ms"]?.int64Value ?? 0) > windowStart {
                return false
            }
        }
        let writes = plan.map { action in
            DynamoDBWrite.put(item: idempotencyItem(action, id: action.id, origin: origin, now: now),
                              condition: DynamoDBExpression("attribute_not_exists(pk) OR created_ms <= :windowStart",
                                                            values: [":windowStart": .integer(windowStart)]))
        }
        do {
            try dynamo.transactWrite(table: table, writes)
            return true
        } catch .transactionCanceled {
            return false
        } catch {
            throw failure("claim the idempotency keys of a plan of finding \(plan[0].findingID)", error)
        }
    }

    /// The idempotency item of an action stored as `id`, planned by `origin`.
    func idempotencyItem(_ action: PlannedAction, id: String, origin: String, now: Date) -> DynamoDBItem {
        Self.idempotencyKey(action.idempotencyKey).merging([
            "action_id": .string(id), "finding_id": .string(action.findingID), "origin": .string(origin),
            "created_ms": .integer(now.storeMillis),
            "expires_at": .integer(Self.seconds(now.addingTimeInterval(idempotencyWindow))),
        ]) { $1 }
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
    func insertAction(_ action: PlannedAction, origin: String, windowEndMillis: Int64?, now: Date,
                      keyClaimed: Bool = false) throws(StoreError) -> PlannedAction? {
        var stored = action
        let windowStart = now.addingTimeInterval(-idempotencyWindow).storeMillis
        func claimKey(_ id: String, condition: DynamoDBExpression?) throws(DynamoDBError) {
            try dynamo.putItem(table: table, item: idempotencyItem(action, id: id, origin: origin, now: now),
                               condition: condition, returnOld: true)
        }
        do {
            if !keyClaimed {
                try claimKey(stored.id, condition: DynamoDBExpression("attribute_not_exists(pk) OR created_ms <= :windowStart",
                                                                      values: [":windowStart": .integer(windowStart)]))
            }
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
                writes.append(.update(key: Self.countsKey(stored.id), update: Self.countsUpdate(step: action.step.kind, to: action.state)))
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
