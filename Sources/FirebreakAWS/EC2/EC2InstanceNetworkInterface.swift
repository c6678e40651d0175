/// A network interface attached to an instance, as DescribeInstances shows it.
public struct EC2InstanceNetworkInterface: Sendable, Hashable {
    public var networkInterfaceId: String
    public var groups: [EC2GroupIdentifier]
    public var privateIpAddress: String?
    public var subnetId: String?
    public var vpcId: String?
    /// 0 for the primary interface.
    public var deviceIndex: Int?

    public init(networkInterfaceId: String, groups: [EC2GroupIdentifier], privateIpAddress: String? = nil,
                subnetId: String? = nil, vpcId: String? = nil, deviceIndex: Int? = nil) {
        self.networkInterfaceId = networkInterfaceId
        self.groups = groups
        self.privateIpAddress = privateIpAddress
        self.subnetId = subnetId
        self.vpcId = vpcId
        self.deviceIndex = deviceIndex
    }
}
