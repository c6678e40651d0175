/// One finding of a delivery as `ResponseStore.commit` sees it: its id and counts at once, its row, samples and
/// planned actions only when the store asks.
///
/// On a noisy day most findings of a delivery are already stored (an earlier delivery's match in the same window):
/// those are only counted, so their JSON is not rendered and their response not planned again.
public protocol CommitFinding {
    var id: String { get }
    /// Matches merged into this finding in this delivery.
    var count: Int { get }
    var firstSeenMillis: Int64 { get }
    var lastSeenMillis: Int64 { get }
    /// The whole row, for a finding the store does not have yet.
    mutating func row() -> StoredFinding
    /// The first `limit` sample events as JSON texts, for a finding the store has with room for more samples.
    mutating func samples(limit: Int) -> [String]
    /// The actions planned for the finding, asked once it is inserted (a new finding).
    mutating func plannedActions() -> [PlannedAction]
}

extension StoredFinding: CommitFinding {
    public func row() -> StoredFinding { self }
    public func samples(limit: Int) -> [String] { Array(samples.prefix(limit)) }
    public func plannedActions() -> [PlannedAction] { [] }
}
