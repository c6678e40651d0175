import Foundation

/// The state Firebreak keeps between a delivery and its effects, as the service uses it: delivery ids (Firehose
/// idempotency), aggregated findings, the outbox of planned actions with their leases, and the summaries of
/// closed windows. `ResponseStore` keeps it in one SQLite file; issue 15 adds a DynamoDB table shared by several
/// tasks behind this same interface. What only a file has (its size, pruning by size, the marker of a lost file)
/// stays on `ResponseStore`: a table is bounded by TTL instead.
///
/// Every method is blocking and thread-safe; a failure is a `StoreError` and changes nothing.
public protocol StateStore: AnyObject, Sendable {
    /// Commits one delivery: its request id, its findings (a finding the store already has is counted without its
    /// row being asked for; a new one is inserted with its `plannedActions()`), and `actions`, all or nothing.
    /// A request id seen within the idempotency window is `.duplicate` and changes nothing.
    func commit<F: CommitFinding>(delivery: DeliveryRecord, findings: inout [F], actions: [PlannedAction],
                                  now: Date, maxSamples: Int) throws(StoreError) -> CommitOutcome
    /// Whether a delivery with this request id was committed within the idempotency window.
    func hasDelivery(_ requestID: String) throws(StoreError) -> Bool
    /// Whether deliveries can be committed now (`/healthz`).
    func health(now: Date) -> StoreHealth

    // The outbox (see `ResponseStore+Outbox` for the states an action goes through).

    /// Leases up to `limit` due actions for `lease` seconds: `pending` → `running`, `attempts` + 1.
    func claim(limit: Int, now: Date, lease: TimeInterval) throws(StoreError) -> [ActionRecord]
    /// Gives claimed actions back (`running` → `pending`) without counting an attempt (shutdown).
    func release(actionIDs: [String], now: Date) throws(StoreError)
    /// Ends an action (`done`, `failed`, `held`, `skipped`); repeating the same end is a no-op.
    func finish(actionID: String, state: ActionState, reason: String?, error: String?, awsRequestIDs: [String],
                createdIDs: [String], now: Date) throws(StoreError)
    /// Puts a `running` action back to `pending`, claimable again from `notBefore`.
    func retryLater(actionID: String, error: String, notBefore: Date, awsRequestIDs: [String], now: Date) throws(StoreError)
    /// Makes actions whose lease ran out (a crash mid-action) claimable again; returns how many.
    @discardableResult
    func resumeInterrupted(now: Date) throws(StoreError) -> Int
    /// Takes a place for destructive action `actionID` in the blast radius (at most `limit` destructive steps in any
    /// `window`) before it runs: nil when it has one (taken now, or earlier by this action), else how many
    /// destructive steps the window holds (the step is held).
    func reserveDestructive(actionID: String, limit: Int, window: TimeInterval, now: Date) throws(StoreError) -> Int?
    /// Gives back the place of a destructive action that did not run (skipped, failed, held).
    func releaseDestructive(actionID: String, window: TimeInterval, now: Date) throws(StoreError)

    // Queries: `GET /findings`, `/metrics`, the CLI.

    /// Findings, newest first (by event time), optionally only those at or after `since`, of one `level`, of one rule.
    func findings(since: Date?, level: String?, rule: String?, limit: Int) throws(StoreError) -> [StoredFinding]
    /// One finding and its actions.
    func finding(id: String) throws(StoreError) -> (StoredFinding, [ActionRecord])?
    /// One action.
    func action(id: String) throws(StoreError) -> ActionRecord?
    /// Actions by step and state.
    func actionCounts() throws(StoreError) -> [ActionCount]
    /// Actions not yet finished (`pending` or `running`).
    func pendingCount() throws(StoreError) -> Int

    // Summaries of closed windows (`SummaryAlerts`).

    /// Findings whose window closed with more than one match, each with its summary-asking alert.
    func dueSummaries(windowEndedBefore end: Date, limit: Int) throws(StoreError)
        -> [(finding: StoredFinding, alert: ActionRecord)]
    /// Adds the summary alerts planned for `alertIDs` and clears their marks; returns how many were added.
    @discardableResult
    func addSummaries(_ actions: [PlannedAction], for alertIDs: [String], now: Date) throws(StoreError) -> Int
}
