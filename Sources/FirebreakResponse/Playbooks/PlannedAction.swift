/// One playbook step applied to one resource for one finding: what the outbox holds.
///
/// Actions are idempotent by `idempotencyKey` (step + resource within a window): a second finding about
/// the same instance plans the same key and is not inserted again. Actions of one plan run in `sequence`
/// order (evidence before containment: snapshot before stop or terminate).
public struct PlannedAction: Sendable, Hashable {
    /// Stable id, derived from the idempotency key.
    public var id: String
    public var findingID: String
    public var ruleID: String
    public var playbook: String
    /// Order within the plan; an action starts only when every earlier action of its plan has ended.
    public var sequence: Int
    public var step: PlaybookStep
    /// `instance`, `security-group`, `trail`, `topic`, `account`, ...
    public var resourceType: String
    public var resourceID: String
    public var idempotencyKey: String
    /// `pending` when planned to run; `skipped` or `held` when planned not to (with `reason`).
    public var state: ActionState
    public var reason: String?
    /// What the executor needs beyond the resource, as JSON text (the permissions to revoke, the finding
    /// for an alert, ...).
    public var payload: String

    public init(id: String, findingID: String, ruleID: String, playbook: String, sequence: Int, step: PlaybookStep,
                resourceType: String, resourceID: String, idempotencyKey: String, state: ActionState = .pending,
                reason: String? = nil, payload: String = "{}") {
        self.id = id
        self.findingID = findingID
        self.ruleID = ruleID
        self.playbook = playbook
        self.sequence = sequence
        self.step = step
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.idempotencyKey = idempotencyKey
        self.state = state
        self.reason = reason
        self.payload = payload
    }
}
