import FirebreakAWS
import Synchronization

/// Finds or creates, per VPC, the security group `isolate` moves interfaces to: `firebreak-quarantine`, with no
/// ingress and no egress rule, so it allows nothing.
///
/// A new VPC group comes with one egress rule (all traffic to 0.0.0.0/0; moto adds `::/0` too in some
/// versions), so creating is two calls: CreateSecurityGroup, then RevokeSecurityGroupEgress of whatever egress
/// the group has. Finding checks the egress again and revokes what is there, so a crash between the two calls
/// (or someone adding a rule by hand) is repaired on the next isolate. Group ids are remembered per VPC for the
/// runner's lifetime and re-checked with DescribeSecurityGroups on every use (one cheap call; a deleted group
/// is created again).
public final class QuarantineGroup: Sendable {
    public static let defaultName = "firebreak-quarantine"

    public let ec2: EC2Client
    public let name: String
    private let known: Mutex<[String: String]> = Mutex([:])

    public init(ec2: EC2Client, name: String = QuarantineGroup.defaultName) {
        self.ec2 = ec2
        self.name = name
    }

    /// What `ensure` found or did.
    public struct Result: Sendable, Hashable {
        /// The group id; nil only in a dry run where the group does not exist yet.
        public var groupId: String?
        public var created: Bool
        /// Request ids of dry-run answers.
        public var requestIDs: [String]
    }

    /// The quarantine group of `vpcId`, created (and emptied) when missing. With `dryRun`, nothing is created:
    /// CreateSecurityGroup is sent with DryRun=true and `groupId` is nil when the group does not exist.
    public func ensure(vpcId: String, findingID: String?, dryRun: Bool) throws(AWSError) -> Result {
        if let existing = try find(vpcId: vpcId) {
            if !dryRun { try empty(existing) }
            return Result(groupId: existing.groupId, created: false, requestIDs: [])
        }
        var tags = [EC2Tag(key: "firebreak:managed", value: "true"), EC2Tag(key: "Name", value: name)]
        if let findingID { tags.append(EC2Tag(key: "firebreak:finding-id", value: findingID)) }
        let groupId: String
        do {
            groupId = try ec2.createSecurityGroup(
                name: name, description: "Firebreak quarantine: no inbound, no outbound traffic", vpcId: vpcId,
                tags: tags, dryRun: dryRun)
        } catch where error.kind == .dryRunSucceeded {
            return Result(groupId: nil, created: false, requestIDs: error.requestID.map { [$0] } ?? [])
        } catch where error.code == "InvalidGroup.Duplicate" {
            // Another runner created it between our Describe and Create.
            guard let raced = try find(vpcId: vpcId) else { throw error }
            try empty(raced)
            return Result(groupId: raced.groupId, created: false, requestIDs: [])
        }
        known.withLock { $0[vpcId] = groupId }
        // Re-read the group for its default egress rule(s) rather than assuming their shape.
        let created = try ec2.describeSecurityGroups(ids: [groupId]).first
            ?? EC2SecurityGroup(groupId: groupId, groupName: name, vpcId: vpcId,
                                egress: [EC2IpPermission(ipProtocol: "-1", ipv4Ranges: [EC2IpRange("0.0.0.0/0")])])
        try empty(created)
        return Result(groupId: groupId, created: true, requestIDs: [])
    }

    /// The VPC's quarantine group, if it exists.
    public func find(vpcId: String) throws(AWSError) -> EC2SecurityGroup? {
        if let id = known.withLock({ $0[vpcId] }) {
            do {
                if let group = try ec2.describeSecurityGroups(ids: [id]).first { return group }
            } catch where error.kind == .notFound {}
            _ = known.withLock { $0.removeValue(forKey: vpcId) }
        }
        let groups = try ec2.describeSecurityGroups(filters: [EC2Filter(name: "vpc-id", values: [vpcId]),
                                                              EC2Filter(name: "group-name", values: [name])])
        guard let group = groups.first(where: { $0.groupName == name && ($0.vpcId == nil || $0.vpcId == vpcId) })
        else { return nil }
        known.withLock { $0[vpcId] = group.groupId }
        return group
    }

    /// Revokes every ingress and egress rule the group has.
    private func empty(_ group: EC2SecurityGroup) throws(AWSError) {
        if !group.ingress.isEmpty {
            do {
                try ec2.revokeSecurityGroupIngress(groupId: group.groupId, permissions: group.ingress)
            } catch where error.code == "InvalidPermission.NotFound" {}
        }
        if !group.egress.isEmpty {
            try revokeEgress(groupId: group.groupId, permissions: group.egress)
        }
    }

    /// RevokeSecurityGroupEgress (not among EC2Client's typed calls): `IpPermissions.N` as for ingress.
    private func revokeEgress(groupId: String, permissions: [EC2IpPermission]) throws(AWSError) {
        var request = EC2Client.request("RevokeSecurityGroupEgress")
        request.add("GroupId", groupId)
        request.addList("IpPermissions", permissions) { query, prefix, permission in
            query.add("\(prefix).IpProtocol", permission.ipProtocol)
            if let from = permission.fromPort { query.add("\(prefix).FromPort", from) }
            if let to = permission.toPort { query.add("\(prefix).ToPort", to) }
            query.addList("\(prefix).IpRanges", permission.ipv4Ranges) { query, rangePrefix, range in
                query.add("\(rangePrefix).CidrIp", range.cidr)
            }
            query.addList("\(prefix).Ipv6Ranges", permission.ipv6Ranges) { query, rangePrefix, range in
                query.add("\(rangePrefix).CidrIpv6", range.cidr)
            }
            query.addList("\(prefix).UserIdGroupPairs", permission.groupIds) { query, pairPrefix, id in
                query.add("\(pairPrefix).GroupId", id)
            }
            query.addList("\(prefix).PrefixListIds", permission.prefixListIds) { query, listPrefix, id in
                query.add("\(listPrefix).PrefixListId", id)
            }
        }
        do {
            _ = try ec2.call(request)
        } catch where error.code == "InvalidPermission.NotFound" {}
    }
}
