import FirebreakAWS

/// The payload of `revoke-ingress`: the permissions to revoke from a security group, exactly as they were granted.
///
/// ```json
/// {"groupId": "sg-0123", "eventId": "…", "securityGroupRuleIds": ["sgr-1"],
///  "permissions": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
///                   "ipv4Ranges": [{"cidr": "0.0.0.0/0", "description": "ssh"}], "ipv6Ranges": [{"cidr": "::/0"}],
///                   "groupIds": [], "prefixListIds": []}]}
/// ```
/// `groupId` may be left out when the action's resource is the group. `ipProtocol` is `tcp`, `udp`, `icmp`,
/// `icmpv6`, a number, or `-1` (all; then no ports). The short form `"ipRanges": ["0.0.0.0/0"]` (and
/// `ipv6Ranges` as strings) is read too.
public struct RevokeIngressPayload: Codable, Sendable, Hashable {
    public struct Permission: Codable, Sendable, Hashable {
        public struct Range: Codable, Sendable, Hashable {
            public var cidr: String
            public var description: String?

            public init(_ cidr: String, description: String? = nil) {
                self.cidr = cidr
                self.description = description
            }
        }

        public var ipProtocol: String
        public var fromPort: Int?
        public var toPort: Int?
        public var ipv4Ranges: [Range]
        public var ipv6Ranges: [Range]
        public var groupIds: [String]
        public var prefixListIds: [String]

        private enum Keys: String, CodingKey {
            case ipProtocol, fromPort, toPort, ipv4Ranges, ipv6Ranges, groupIds, prefixListIds, ipRanges
        }

        public init(ipProtocol: String, fromPort: Int? = nil, toPort: Int? = nil, ipv4Ranges: [Range] = [],
                    ipv6Ranges: [Range] = [], groupIds: [String] = [], prefixListIds: [String] = []) {
            self.ipProtocol = ipProtocol
            self.fromPort = fromPort
            self.toPort = toPort
            self.ipv4Ranges = ipv4Ranges
            self.ipv6Ranges = ipv6Ranges
            self.groupIds = groupIds
            self.prefixListIds = prefixListIds
        }

        public init(_ permission: EC2IpPermission) {
            self.init(ipProtocol: permission.ipProtocol, fromPort: permission.fromPort, toPort: permission.toPort,
                      ipv4Ranges: permission.ipv4Ranges.map { Range($0.cidr, description: $0.description) },
                      ipv6Ranges: permission.ipv6Ranges.map { Range($0.cidr, description: $0.description) },
                      groupIds: permission.groupIds, prefixListIds: permission.prefixListIds)
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            /// A list of ranges as `{"cidr": …}` objects or as plain strings.
            func ranges(_ key: Keys) throws -> [Range] {
                if let objects = try? container.decodeIfPresent([Range].self, forKey: key) { return objects }
                return (try container.decodeIfPresent([String].self, forKey: key) ?? []).map { Range($0) }
            }
            ipProtocol = try container.decode(String.self, forKey: .ipProtocol)
            fromPort = try container.decodeIfPresent(Int.self, forKey: .fromPort)
            toPort = try container.decodeIfPresent(Int.self, forKey: .toPort)
            ipv4Ranges = try ranges(.ipv4Ranges) + ranges(.ipRanges)
            ipv6Ranges = try ranges(.ipv6Ranges)
            groupIds = try container.decodeIfPresent([String].self, forKey: .groupIds) ?? []
            prefixListIds = try container.decodeIfPresent([String].self, forKey: .prefixListIds) ?? []
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(ipProtocol, forKey: .ipProtocol)
            try container.encodeIfPresent(fromPort, forKey: .fromPort)
            try container.encodeIfPresent(toPort, forKey: .toPort)
            try container.encode(ipv4Ranges, forKey: .ipv4Ranges)
            try container.encode(ipv6Ranges, forKey: .ipv6Ranges)
            try container.encode(groupIds, forKey: .groupIds)
            try container.encode(prefixListIds, forKey: .prefixListIds)
        }

        public var ec2Permission: EC2IpPermission {
            EC2IpPermission(ipProtocol: ipProtocol, fromPort: fromPort, toPort: toPort,
                            ipv4Ranges: ipv4Ranges.map { EC2IpRange($0.cidr, description: $0.description) },
                            ipv6Ranges: ipv6Ranges.map { EC2IpRange($0.cidr, description: $0.description) },
                            groupIds: groupIds, prefixListIds: prefixListIds)
        }
    }

    public var groupId: String?
    public var permissions: [Permission]
    /// The ids AWS gave the rules the event added (for the record; the revoke names the permissions).
    public var securityGroupRuleIds: [String]?
    /// The CloudTrail event that opened the group.
    public var eventId: String?

    public init(groupId: String?, permissions: [Permission], securityGroupRuleIds: [String]? = nil, eventId: String? = nil) {
        self.groupId = groupId
        self.permissions = permissions
        self.securityGroupRuleIds = securityGroupRuleIds
        self.eventId = eventId
    }
}

extension RevokeIngressStep {
    typealias Payload = RevokeIngressPayload
}
