/// A security group as an instance or network interface refers to it.
public struct EC2GroupIdentifier: Sendable, Hashable {
    public var groupId: String
    public var groupName: String?

    public init(groupId: String, groupName: String? = nil) {
        self.groupId = groupId
        self.groupName = groupName
    }

    /// `<groupSet><item><groupId/><groupName/></item>…</groupSet>`.
    static func groupSet(of element: AWSXMLElement) -> [EC2GroupIdentifier] {
        element.items("groupSet").compactMap { item in
            item.string("groupId").map { EC2GroupIdentifier(groupId: $0, groupName: item.string("groupName")) }
        }
    }
}

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

/// An EBS volume attached to an instance, as DescribeInstances shows it.
public struct EC2InstanceBlockDevice: Sendable, Hashable {
    public var deviceName: String
    public var volumeId: String?
    public var deleteOnTermination: Bool?
    /// `attaching`, `attached`, `detaching`, `detached`.
    public var status: String?

    public init(deviceName: String, volumeId: String?, deleteOnTermination: Bool?, status: String? = nil) {
        self.deviceName = deviceName
        self.volumeId = volumeId
        self.deleteOnTermination = deleteOnTermination
        self.status = status
    }
}

/// An instance, with what incident response needs: state, network placement, groups, interfaces, volumes, tags.
public struct EC2Instance: Sendable, Hashable {
    public var instanceId: String
    public var state: EC2InstanceState
    public var instanceType: String?
    public var imageId: String?
    public var vpcId: String?
    public var subnetId: String?
    public var privateIpAddress: String?
    public var publicIpAddress: String?
    public var launchTime: String?
    public var rootDeviceName: String?
    public var tags: [EC2Tag]
    /// The groups of the primary network interface, as the instance lists them.
    public var securityGroups: [EC2GroupIdentifier]
    public var networkInterfaces: [EC2InstanceNetworkInterface]
    public var blockDeviceMappings: [EC2InstanceBlockDevice]

    public init(instanceId: String, state: EC2InstanceState, instanceType: String? = nil, imageId: String? = nil,
                vpcId: String? = nil, subnetId: String? = nil, privateIpAddress: String? = nil,
                publicIpAddress: String? = nil, launchTime: String? = nil, rootDeviceName: String? = nil,
                tags: [EC2Tag] = [], securityGroups: [EC2GroupIdentifier] = [],
                networkInterfaces: [EC2InstanceNetworkInterface] = [],
                blockDeviceMappings: [EC2InstanceBlockDevice] = []) {
        self.instanceId = instanceId
        self.state = state
        self.instanceType = instanceType
        self.imageId = imageId
        self.vpcId = vpcId
        self.subnetId = subnetId
        self.privateIpAddress = privateIpAddress
        self.publicIpAddress = publicIpAddress
        self.launchTime = launchTime
        self.rootDeviceName = rootDeviceName
        self.tags = tags
        self.securityGroups = securityGroups
        self.networkInterfaces = networkInterfaces
        self.blockDeviceMappings = blockDeviceMappings
    }

    /// An `instancesSet/item` element.
    init?(xml: AWSXMLElement) {
        guard let id = xml.string("instanceId") else { return nil }
        self.init(
            instanceId: id,
            state: EC2InstanceState(xml: xml.child("instanceState")) ?? EC2InstanceState(code: -1, name: "unknown"),
            instanceType: xml.string("instanceType"), imageId: xml.string("imageId"), vpcId: xml.string("vpcId"),
            subnetId: xml.string("subnetId"), privateIpAddress: xml.string("privateIpAddress"),
            publicIpAddress: xml.string("ipAddress"), launchTime: xml.string("launchTime"),
            rootDeviceName: xml.string("rootDeviceName"), tags: EC2Tag.tagSet(of: xml),
            securityGroups: EC2GroupIdentifier.groupSet(of: xml),
            networkInterfaces: xml.items("networkInterfaceSet").compactMap { item in
                item.string("networkInterfaceId").map {
                    EC2InstanceNetworkInterface(
                        networkInterfaceId: $0, groups: EC2GroupIdentifier.groupSet(of: item),
                        privateIpAddress: item.string("privateIpAddress"), subnetId: item.string("subnetId"),
                        vpcId: item.string("vpcId"), deviceIndex: item.int("attachment", "deviceIndex"))
                }
            },
            blockDeviceMappings: xml.items("blockDeviceMapping").compactMap { item in
                item.string("deviceName").map {
                    EC2InstanceBlockDevice(deviceName: $0, volumeId: item.string("ebs", "volumeId"),
                                           deleteOnTermination: item.bool("ebs", "deleteOnTermination"),
                                           status: item.string("ebs", "status"))
                }
            })
    }
}
