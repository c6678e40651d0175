/// The rows one commit inserted.
public struct CommitSummary: Sendable, Hashable {
    /// Findings that were new; the others were already stored by an earlier delivery.
    public var insertedFindingIDs: [String]
    /// Findings that were already stored (same id), left as they were.
    public var knownFindings: Int
    /// Actions inserted, with the id they were stored under (see `ResponseStore.commit`).
    public var insertedActions: [PlannedAction]
    /// Actions not inserted because their idempotency key already has an action inside the window.
    public var duplicateActions: Int

    public init(insertedFindingIDs: [String] = [], knownFindings: Int = 0, insertedActions: [PlannedAction] = [],
                duplicateActions: Int = 0) {
        self.insertedFindingIDs = insertedFindingIDs
        self.knownFindings = knownFindings
        self.insertedActions = insertedActions
        self.duplicateActions = duplicateActions
    }
}
