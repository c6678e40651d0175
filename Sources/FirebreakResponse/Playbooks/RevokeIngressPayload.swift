import FirebreakAWS

/// `revoke-ingress`: the permissions to revoke from a security group, exactly as they were granted.
///
/// ```json
/// {"groupId": "sg-0123", "permissions": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
///   "ipRanges": ["0.0.0.0/0"], "ipv6Ranges": ["::/0"]}]}
/// ```
/// `groupId` may be left out when the action's resource is the group (`resourceType` `security-group`).
/// `ipProtocol` is `tcp`, `udp`, `icmp`, `icmpv6`, a number, or `-1` (all; then no ports). Optional
/// `groupIds` (source groups) and `prefixListIds` are revoked too.
public struct RevokeIngressPayload: Codable, Sendable, Hashable {
    public struct Permission: Codable, Sendable, Hashable {
        public var ipProtocol: String
        public var fromPort: Int?
        public var toPort: Int?
        public var ipRanges: [String]?
        public var ipv6Ranges: [String]?
        public var groupIds: [String]?
        public var prefixListIds: [String]?

        public init(ipProtocol: String, fromPort: Int? = nil, toPort: Int? = nil, ipRanges: [String]? = nil,
                    ipv6Ranges: [String]? = nil, groupIds: [String]? = nil, prefixListIds: [String]? = nil) {
            self.ipProtocol = ipProtocol
            self.fromPort = fromPort
            self.toPort = toPort
            self.ipRanges = ipRanges
            self.ipv6Ranges = ipv6Ranges
            self.groupIds = groupIds
            self.prefixListIds = prefixListIds
        }

        public var ec2Permission: EC2IpPermission {
            EC2IpPermission(ipProtocol: ipProtocol, fromPort: fromPort, toPort: toPort,
                            ipv4Ranges: (ipRanges ?? []).map { EC2IpRange($0) },
                            ipv6Ranges: (ipv6Ranges ?? []).map { EC2IpRange($0) },
                            groupIds: groupIds ?? [], prefixListIds: prefixListIds ?? [])
        }
    }

    public var groupId: String?
    public var permissions: [Permission]

    public init(groupId: String?, permissions: [Permission]) {
        self.groupId = groupId
        self.permissions = permissions
    }
}
