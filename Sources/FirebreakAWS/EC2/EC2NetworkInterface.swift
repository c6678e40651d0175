/// A network interface, as DescribeNetworkInterfaces shows it.
public struct EC2NetworkInterface: Sendable, Hashable {
    public var networkInterfaceId: String
    /// `available`, `in-use`, …
    public var status: String?
    public var vpcId: String?
    public var subnetId: String?
    public var availabilityZone: String?
    public var privateIpAddress: String?
    public var description: String?
    public var groups: [EC2GroupIdentifier]
    /// The instance it is attached to, if any.
    public var attachedInstanceId: String?
    public var deviceIndex: Int?
    public var tags: [EC2Tag]

    public init(networkInterfaceId: String, status: String? = nil, vpcId: String? = nil, subnetId: String? = nil,
                availabilityZone: String? = nil, privateIpAddress: String? = nil, description: String? = nil,
                groups: [EC2GroupIdentifier] = [], attachedInstanceId: String? = nil, deviceIndex: Int? = nil,
                tags: [EC2Tag] = []) {
        self.networkInterfaceId = networkInterfaceId
        self.status = status
        self.vpcId = vpcId
        self.subnetId = subnetId
        self.availabilityZone = availabilityZone
        self.privateIpAddress = privateIpAddress
        self.description = description
        self.groups = groups
        self.attachedInstanceId = attachedInstanceId
        self.deviceIndex = deviceIndex
        self.tags = tags
    }

    /// A `networkInterfaceSet/item` element.
    init?(xml: AWSXMLElement) {
        guard let id = xml.string("networkInterfaceId") else { return nil }
        self.init(networkInterfaceId: id, status: xml.string("status"), vpcId: xml.string("vpcId"),
                  subnetId: xml.string("subnetId"), availabilityZone: xml.string("availabilityZone"),
                  privateIpAddress: xml.string("privateIpAddress"), description: xml.string("description"),
                  groups: EC2GroupIdentifier.groupSet(of: xml), attachedInstanceId: xml.string("attachment", "instanceId"),
                  deviceIndex: xml.int("attachment", "deviceIndex"), tags: EC2Tag.tagSet(of: xml))
    }
}
