/// What the executor knows of an action's resource just before acting (from DescribeInstances, or
/// DescribeSecurityGroups for a group). The planner builds a partial one from the finding alone.
public struct ResourceFacts: Sendable, Hashable {
    public var instanceID: String?
    public var interfaceID: String?
    public var securityGroupIDs: [String]
    public var accountID: String?
    public var region: String?
    public var vpcID: String?
    public var subnetID: String?
    public var tags: [String: String]
    /// Tags of the other resources the step changes, by id: the network interfaces `isolate` moves, the interface
    /// an instance step was planned on. Each is checked for protection like the resource itself.
    public var relatedTags: [String: [String: String]] = [:]
    /// EC2 instance state name (`pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`).
    public var state: String?

    public init(instanceID: String? = nil, interfaceID: String? = nil, securityGroupIDs: [String] = [],
                accountID: String? = nil, region: String? = nil, vpcID: String? = nil, subnetID: String? = nil,
                tags: [String: String] = [:], state: String? = nil) {
        self.instanceID = instanceID
        self.interfaceID = interfaceID
        self.securityGroupIDs = securityGroupIDs
        self.accountID = accountID
        self.region = region
        self.vpcID = vpcID
        self.subnetID = subnetID
        self.tags = tags
        self.state = state
    }

    /// Every id the resource is known by (for the protected-id list).
    public var ids: [String] {
        [instanceID, interfaceID, vpcID, subnetID].compactMap { $0 } + securityGroupIDs + relatedTags.keys.sorted()
    }
}
