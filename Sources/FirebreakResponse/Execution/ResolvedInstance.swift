import FirebreakAWS

/// An instance as the response steps need it: where it is, what it is attached to, what it holds.
///
/// Built from one DescribeInstances answer by `ResourceResolver`; a snapshot in time, so the resolver drops it
/// (`invalidate`) after a step changes the instance.
public struct ResolvedInstance: Sendable, Hashable {
    /// A network interface of the instance with the security groups it has now.
    public struct NetworkInterface: Sendable, Hashable {
        public var networkInterfaceId: String
        public var groupIds: [String]
        /// 0 for the primary interface.
        public var deviceIndex: Int?
        public var subnetId: String?
        public var vpcId: String?
        public var privateIpAddress: String?

        public init(networkInterfaceId: String, groupIds: [String], deviceIndex: Int? = nil, subnetId: String? = nil,
                    vpcId: String? = nil, privateIpAddress: String? = nil) {
            self.networkInterfaceId = networkInterfaceId
            self.groupIds = groupIds
            self.deviceIndex = deviceIndex
            self.subnetId = subnetId
            self.vpcId = vpcId
            self.privateIpAddress = privateIpAddress
        }
    }

    /// An EBS volume attached to the instance, by device name.
    public struct Volume: Sendable, Hashable {
        public var deviceName: String
        public var volumeId: String?
        /// Whether the volume goes away with the instance (nil when EC2 did not say).
        public var deleteOnTermination: Bool?

        public init(deviceName: String, volumeId: String?, deleteOnTermination: Bool?) {
            self.deviceName = deviceName
            self.volumeId = volumeId
            self.deleteOnTermination = deleteOnTermination
        }
    }

    public var instanceId: String
    public var state: EC2InstanceState
    public var vpcId: String?
    public var subnetId: String?
    /// The account the instance lives in, when the resolver knows it.
    public var accountId: String?
    public var region: String
    public var tags: [EC2Tag]
    public var networkInterfaces: [NetworkInterface]
    public var volumes: [Volume]
    public var rootDeviceName: String?

    public init(instanceId: String, state: EC2InstanceState, vpcId: String? = nil, subnetId: String? = nil,
                accountId: String? = nil, region: String, tags: [EC2Tag] = [],
                networkInterfaces: [NetworkInterface] = [], volumes: [Volume] = [], rootDeviceName: String? = nil) {
        self.instanceId = instanceId
        self.state = state
        self.vpcId = vpcId
        self.subnetId = subnetId
        self.accountId = accountId
        self.region = region
        self.tags = tags
        self.networkInterfaces = networkInterfaces
        self.volumes = volumes
        self.rootDeviceName = rootDeviceName
    }

    /// From a DescribeInstances answer.
    public init(_ instance: EC2Instance, region: String, accountId: String? = nil) {
        self.init(
            instanceId: instance.instanceId, state: instance.state, vpcId: instance.vpcId, subnetId: instance.subnetId,
            accountId: accountId, region: region, tags: instance.tags,
            networkInterfaces: instance.networkInterfaces.map {
                NetworkInterface(networkInterfaceId: $0.networkInterfaceId, groupIds: $0.groups.map(\.groupId),
                                 deviceIndex: $0.deviceIndex, subnetId: $0.subnetId, vpcId: $0.vpcId ?? instance.vpcId,
                                 privateIpAddress: $0.privateIpAddress)
            },
            volumes: instance.blockDeviceMappings.map {
                Volume(deviceName: $0.deviceName, volumeId: $0.volumeId, deleteOnTermination: $0.deleteOnTermination)
            },
            rootDeviceName: instance.rootDeviceName)
    }

    /// Stopped, stopping, shutting down or terminated: a stop has nothing left to do.
    public var isStoppedOrGoing: Bool {
        [EC2InstanceState.stopping.code, EC2InstanceState.stopped.code, EC2InstanceState.shuttingDown.code,
         EC2InstanceState.terminated.code].contains(state.code)
    }

    /// Shutting down or terminated: a terminate has nothing left to do.
    public var isTerminatedOrGoing: Bool {
        state.code == EC2InstanceState.shuttingDown.code || state.code == EC2InstanceState.terminated.code
    }
}
