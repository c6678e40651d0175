

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
