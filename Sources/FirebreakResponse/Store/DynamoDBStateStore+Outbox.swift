import FirebreakAWS
import Foundation

/// The outbox on the shared table: the same life of an action and the same order within a plan as
/// `ResponseStore+Outbox`, with leases that any task may take over when they run out.
///
/// Every change reads the action, decides, and writes it back on condition of the version it read (with the
/// counters, in one transaction), so two tasks never both claim an action: the second one's write fails and it
/// reads again. Plans with actions not yet final are listed under `outbox#<shard>`; `claim` reads those entries
/// oldest first, and removes an entry once every action of its plan is final.
extension DynamoDBStateStore {
    public func claim(limit: Int, now: Date, lease: TimeInterval) throws(StoreError) -> [ActionRecord] {
        guard limit > 0 else { return [] }
        let leaseUntil = now.addingTimeInterval(max(1, lease)).storeMillis
        var claimed: [ActionRecord] = []
        // An action lost to another task's claim: read the outbox again (a few rounds), so that a round that lost
        // every race does not come back empty while other actions are due.
        for _ in 0..<3 {
            let lostRace = try claimRound(limit: limit, now: now, leaseUntil: leaseUntil, into: &claimed)
            if !lostRace || claimed.count >= limit { break }
        }
        return claimed
    }

    /// One pass over the outbox; true when another task won an action this pass wanted.
    private func claimRound(limit: Int, now: Date, leaseUntil: Int64, into claimed: inout [ActionRecord]) throws(StoreError) -> Bool {
        var lostRace = false
        let entries = try outboxEntries(perShard: 50, consistent: true)
        for entry in entries where claimed.count < limit {
            guard let findingID = entry["finding_id"]?.stringValue, let playbook = entry["playbook"]?.stringValue else { continue }
            let plan = try actionItems(findingID: findingID).filter { $0.record.playbook == playbook }
            var open = false
            for action in plan {
                let state = action.record.state
                if Self.isFinal(state) { continue }
                // Evidence before containment: an account change after a failed or held step is skipped.
                let blocking = plan.first {
                    $0.record.sequence < action.record.sequence && ($0.record.state == .failed || $0.record.state == .held)
                }
                if let blocking, state == .pending, action.record.step.kind.changesAccount {
                    var skipped = action
                    skipped.record.action.state = .skipped
                    skipped.record.action.reason = blocking.record.state == .failed
                        ? ResponseStore.earlierStepFailed : ResponseStore.earlierStepHeld
                    skipped.record.updatedAt = now
                    if try write(skipped, over: action, operation: "skip action \(action.record.id)") { continue }
                    open = true
                    break
                }
                open = true
                let due = (state == .pending && action.record.notBefore.storeMillis <= now.storeMillis)
                    || (state == .running && action.leaseUntilMillis <= now.storeMillis)
                if due && claimed.count < limit {
                    var running = action
                    running.record.action.state = .running
                    running.record.attempts += 1
                    running.record.updatedAt = now
                    running.leaseUntilMillis = leaseUntil
                    running.owner = owner
                    if state == .running { running.record.lastError = "lease expired: taken over" }
                    if try write(running, over: action, operation: "claim action \(action.record.id)") {
                        claimed.append(running.record)
                    } else {
                        lostRace = true
                    }
                }
                // Later steps of the plan wait for this one.
                break
            }
            if !open { try removeEntry(entry) }
        }
        return lostRace
    }

    /// The outbox entries of open plans, up to `perShard` of each shard (the oldest), oldest first over all.
    func outboxEntries(perShard: Int, consistent: Bool) throws(StoreError) -> [DynamoDBItem] {
        var entries: [DynamoDBItem] = []
        for shard in 0..<Self.outboxShards {
            do {
                entries += try dynamo.query(table: table,
                                            keyCondition: DynamoDBExpression("pk = :pk", values: [":pk": .string("outbox#\(shard)")]),
                                            limit: perShard, consistent: consistent).items
            } catch {
                throw failure("read the outbox", error)
            }
        }
        return entries.sorted { ($0["sk"]?.stringValue ?? "") < ($1["sk"]?.stringValue ?? "") }
    }

    /// Removes a plan's outbox entry, on condition that no commit wrote it again since it was read.
    private func removeEntry(_ entry: DynamoDBItem) throws(StoreError) {
        guard let pk = entry["pk"], let sk = entry["sk"], let nonce = entry["nonce"] else { return }
        do {
            try dynamo.deleteItem(table: table, key: ["pk": pk, "sk": sk],
                                  condition: DynamoDBExpression("nonce = :nonce", values: [":nonce": nonce]))
        } catch .conditionalCheckFailed {
            return
        } catch {
            throw failure("remove a finished plan from the outbox", error)
        }
    }

    public func release(actionIDs: [String], now: Date) throws(StoreError) {
        for id in actionIDs {
            try change(id, operation: "release action \(id)") { action throws(StoreError) -> DynamoDBActionItem? in
                guard action.record.state == .running else { return nil }
                var pending = action
                pending.record.action.state = .pending
                pending.record.updatedAt = now
                pending.leaseUntilMillis = 0
                return pending
            }
        }
    }

    public func finish(actionID: String, state: ActionState, reason: String?, error: String?, awsRequestIDs: [String],
                       createdIDs: [String], now: Date) throws(StoreError) {
        var plan: (findingID: String, playbook: String, sequence: Int)?
        try change(actionID, operation: "finish action \(actionID) as \(state.rawValue)") {
            action throws(StoreError) -> DynamoDBActionItem? in
            let current = action.record.state
            guard Self.isFinal(state) else { throw .invalidTransition(id: actionID, from: current, to: state) }
            guard !Self.isFinal(current) else {
                if current == state { return nil }
                throw .invalidTransition(id: actionID, from: current, to: state)
            }
            var ended = action
            ended.record.action.state = state
            ended.record.action.reason = reason ?? action.record.reason
            ended.record.lastError = error ?? action.record.lastError
            ended.record.awsRequestIDs += awsRequestIDs
            ended.record.createdIDs += createdIDs
            ended.record.updatedAt = now
            ended.leaseUntilMillis = 0
            plan = (action.record.findingID, action.record.playbook, action.record.sequence)
            return ended
        }
        // A failed or held step: the later account changes of its plan are skipped now (`claim` would too).
        guard let plan, state == .failed || state == .held else { return }
        let reason = state == .failed ? ResponseStore.earlierStepFailed : ResponseStore.earlierStepHeld
        for later in try actionItems(findingID: plan.findingID)
        where later.record.playbook == plan.playbook && later.record.sequence > plan.sequence
            && later.record.state == .pending && later.record.step.kind.changesAccount {
            try change(later.record.id, operation: "skip action \(later.record.id)") { action throws(StoreError) -> DynamoDBActionItem? in
                guard action.record.state == .pending else { return nil }
                var skipped = action
                skipped.record.action.state = .skipped
                skipped.record.action.reason = reason
                skipped.record.updatedAt = now
                return skipped
            }
        }
    }

    public func retryLater(actionID: String, error: String, notBefore: Date, awsRequestIDs: [String], now: Date) throws(StoreError) {
        try change(actionID, operation: "retry action \(actionID) later") { action throws(StoreError) -> DynamoDBActionItem? in
            guard action.record.state == .running else {
                throw .invalidTransition(id: actionID, from: action.record.state, to: .pending)
            }
            var later = action
            later.record.action.state = .pending
            later.record.lastError = error
            later.record.notBefore = notBefore
            later.record.awsRequestIDs += awsRequestIDs
            later.record.updatedAt = now
            later.leaseUntilMillis = 0
            return later
        }
    }

    /// On a shared table a task cannot tell a dead task's `running` actions from a live one's: nothing is put back
    /// here. Their leases run out (`executor.lease_seconds`) and `claim` takes them over, on any task.
    public func resumeInterrupted(now: Date) throws(StoreError) -> Int { 0 }

    /// Reads action `id`, asks `decide` for its new state (nil: leave it), and writes it on condition of the version
    /// read; another writer in between means reading and deciding again.
    func change(_ id: String, operation: String,
                _ decide: (DynamoDBActionItem) throws(StoreError) -> DynamoDBActionItem?) throws(StoreError) {
        for _ in 0..<Self.maxAttempts {
            guard let action = try actionItem(id) else { throw .actionNotFound(id: id) }
            guard let new = try decide(action) else { return }
            if try write(new, over: action, operation: operation) { return }
        }
        throw failure(operation, .invalidRequest("the action kept changing under \(Self.maxAttempts) attempts"))
    }

    static func isFinal(_ state: ActionState) -> Bool { state != .pending && state != .running }
}
