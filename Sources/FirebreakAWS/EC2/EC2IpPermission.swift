/// An IPv4 range of a security group rule.
public struct EC2IpRange: Sendable, Hashable {
    public var cidr: String
    public var description: String?

    public init(_ cidr: String, description: String? = nil) {
        self.cidr = cidr
        self.description = description
    }
}

/// One security group permission: protocol, ports and sources, as EC2 groups them (`IpPermissions.N`).
public struct EC2IpPermission: Sendable, Hashable {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `-1` for all.
    public var ipProtocol: String
    /// First port (ICMP type for ICMP); nil for all.
    public var fromPort: Int?
    /// Last port (ICMP code for ICMP); nil for all.
    public var toPort: Int?
    public var ipv4Ranges: [EC2IpRange]
    public var ipv6Ranges: [EC2IpRange]
    /// Source security group ids.
    public var groupIds: [String]
    public var prefixListIds: [String]

    public init(ipProtocol: String, fromPort: Int? = nil, toPort: Int? = nil, ipv4Ranges: [EC2IpRange] = [],
                ipv6Ranges: [EC2IpRange] = [], groupIds: [String] = [], prefixListIds: [String] = []) {
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.ipv4Ranges = ipv4Ranges
        self.ipv6Ranges = ipv6Ranges
        self.groupIds = groupIds
        self.prefixListIds = prefixListIds
    }

    /// An `ipPermissions/item` element.
    init?(xml: AWSXMLElement) {
        guard let proto = xml.string("ipProtocol") else { return nil }
        self.init(
            ipProtocol: proto, fromPort: xml.int("fromPort"), toPort: xml.int("toPort"),
            ipv4Ranges: xml.items("ipRanges").compactMap { item in
                item.string("cidrIp").map { EC2IpRange($0, description: item.string("description")) }
            },
            ipv6Ranges: xml.items("ipv6Ranges").compactMap { item in
                item.string("cidrIpv6").map { EC2IpRange($0, description: item.string("description")) }
            },
            groupIds: xml.items("groups").compactMap { $0.string("groupId") },
            prefixListIds: xml.items("prefixListIds").compactMap { $0.string("prefixListId") })
    }

    /// `IpPermissions.1.IpProtocol`, `.FromPort`, `.ToPort`, `.IpRanges.1.CidrIp`, `.Ipv6Ranges.1.CidrIpv6`,
    /// `.UserIdGroupPairs.1.GroupId`, `.PrefixListIds.1.PrefixListId`.
    static func add(_ permissions: [EC2IpPermission], to request: inout QueryRequest) {
        request.addList("IpPermissions", permissions) { query, prefix, permission in
            query.add("\(prefix).IpProtocol", permission.ipProtocol)
            if let from = permission.fromPort { query.add("\(prefix).FromPort", from) }
            if let to = permission.toPort { query.add("\(prefix).ToPort", to) }
            query.addList("\(prefix).IpRanges", permission.ipv4Ranges) { query, rangePrefix, range in
                query.add("\(rangePrefix).CidrIp", range.cidr)
                query.addIfPresent("\(rangePrefix).Description", range.description)
            }
            query.addList("\(prefix).Ipv6Ranges", permission.ipv6Ranges) { query, rangePrefix, range in
                query.add("\(rangePrefix).CidrIpv6", range.cidr)
                query.addIfPresent("\(rangePrefix).Description", range.description)
            }
            query.addList("\(prefix).UserIdGroupPairs", permission.groupIds) { query, pairPrefix, groupId in
                query.add("\(pairPrefix).GroupId", groupId)
            }
            query.addList("\(prefix).PrefixListIds", permission.prefixListIds) { query, listPrefix, id in
                query.add("\(listPrefix).PrefixListId", id)
            }
        }
    }
}
