/// One side of a scope (`scope` itself or `scope.exclude`): accounts, regions, VPCs, subnets, instance ids
/// and resource tags.
public struct ScopeSelector: Sendable, Hashable {
    public var accounts: [String]
    public var regions: [String]
    public var vpcs: [String]
    public var subnets: [String]
    public var instances: [String]
    public var tags: [String: String]

    public init(accounts: [String] = [], regions: [String] = [], vpcs: [String] = [], subnets: [String] = [],
                instances: [String] = [], tags: [String: String] = [:]) {
        self.accounts = accounts
        self.regions = regions
        self.vpcs = vpcs
        self.subnets = subnets
        self.instances = instances
        self.tags = tags
    }

    public var isEmpty: Bool {
        accounts.isEmpty && regions.isEmpty && vpcs.isEmpty && subnets.isEmpty && instances.isEmpty && tags.isEmpty
    }
}
