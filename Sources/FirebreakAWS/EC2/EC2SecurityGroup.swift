/// A security group, as DescribeSecurityGroups shows it.
public struct EC2SecurityGroup: Sendable, Hashable {
    public var groupId: String
    public var groupName: String
    public var description: String?
    public var vpcId: String?
    public var ownerId: String?
    public var ingress: [EC2IpPermission]
    public var egress: [EC2IpPermission]
    public var tags: [EC2Tag]

    public init(groupId: String, groupName: String, description: String? = nil, vpcId: String? = nil,
                ownerId: String? = nil, ingress: [EC2IpPermission] = [], egress: [EC2IpPermission] = [],
                tags: [EC2Tag] = []) {
        self.groupId = groupId
        self.groupName = groupName
        self.description = description
        self.vpcId = vpcId
        self.ownerId = ownerId
        self.ingress = ingress
        self.egress = egress
        self.tags = tags
    }

    /// A `securityGroupInfo/item` element.
    init?(xml: AWSXMLElement) {
        guard let id = xml.string("groupId") else { return nil }
        self.init(groupId: id, groupName: xml.string("groupName") ?? "", description: xml.string("groupDescription"),
                  vpcId: xml.string("vpcId"), ownerId: xml.string("ownerId"),
                  ingress: xml.items("ipPermissions").compactMap(EC2IpPermission.init(xml:)),
                  egress: xml.items("ipPermissionsEgress").compactMap(EC2IpPermission.init(xml:)),
                  tags: EC2Tag.tagSet(of: xml))
    }
}
