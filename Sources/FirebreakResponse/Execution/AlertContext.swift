/// What an alert tells a responder besides the finding: the instance behind the resource (resolved from an ENI),
/// its account and region, and the earlier steps of the same plan as stored (outcome and created ids: snapshot ids).
public struct AlertContext: Sendable, Hashable {
    public var instanceID: String?
    public var accountID: String?
    public var region: String?
    /// The plan's earlier actions, in order.
    public var steps: [ActionRecord]
    /// The finding as stored (JSON text), appended to the alert when the payload does not carry it.
    public var findingJSON: String?
    /// The finding as stored, for the outputs that render it whole (`event`: OCSF; the Security Hub export: ASFF).
    public var finding: StoredFinding?
    /// The service's own account (`aws.account_id` or STS), for a finding that names none.
    public var ownAccountID: String?

    public init(instanceID: String? = nil, accountID: String? = nil, region: String? = nil, steps: [ActionRecord] = [],
                findingJSON: String? = nil, finding: StoredFinding? = nil, ownAccountID: String? = nil) {
        self.findingJSON = findingJSON
        self.finding = finding
        self.ownAccountID = ownAccountID
        self.instanceID = instanceID
        self.accountID = accountID
        self.region = region
        self.steps = steps
    }
}
