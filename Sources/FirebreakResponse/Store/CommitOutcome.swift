/// What `ResponseStore.commit` did.
public enum CommitOutcome: Sendable, Hashable {
    /// The request id was already committed (a Firehose redelivery): nothing was written; answer 200.
    case duplicate
    /// The delivery, its new findings and new actions were committed in one transaction.
    case committed(CommitSummary)
}
