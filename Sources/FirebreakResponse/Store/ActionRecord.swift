import Foundation

/// An action in the outbox: the planned action (whose `state` and `reason` are the current ones) and
/// its execution history. Fields of the planned action read directly: `record.id`, `record.state`,
/// `record.step.kind`.
@dynamicMemberLookup
public struct ActionRecord: Sendable, Hashable {
    public var action: PlannedAction
    /// How many times the executor has claimed it.
    public var attempts: Int
    public var lastError: String?
    /// Request ids of every AWS call made for it, across attempts (for CloudTrail cross-reference).
    public var awsRequestIDs: [String]
    public var createdAt: Date
    public var updatedAt: Date
    /// Not claimable before this time (set by `retryLater`).
    public var notBefore: Date
    /// What the action created, once done: snapshot ids, a quarantine group id, an SNS message id.
    public var createdIDs: [String]

    public init(action: PlannedAction, attempts: Int, lastError: String?, awsRequestIDs: [String],
                createdAt: Date, updatedAt: Date, notBefore: Date, createdIDs: [String] = []) {
        self.createdIDs = createdIDs
        self.action = action
        self.attempts = attempts
        self.lastError = lastError
        self.awsRequestIDs = awsRequestIDs
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.notBefore = notBefore
    }

    public subscript<T>(dynamicMember keyPath: KeyPath<PlannedAction, T>) -> T {
        action[keyPath: keyPath]
    }
}
