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

    public init(instanceID: String? = nil, accountID: String? = nil, region: String? = nil, steps: [ActionRecord] = [],
                findingJSON: String? = nil) {
        self.findingJSON = findingJSON
        self.instanceID = instanceID
        self.accountID = accountID
        self.region = region
        self.steps = steps
    }
}
