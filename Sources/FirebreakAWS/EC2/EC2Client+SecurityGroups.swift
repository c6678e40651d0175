extension EC2Client {
    /// CreateSecurityGroup in a VPC; returns the new group's id. A new group allows all egress and no ingress.
    public func createSecurityGroup(name: String, description: String, vpcId: String, tags: [EC2Tag] = [],
                                    dryRun: Bool = false) throws(AWSError) -> String {
        var request = Self.request("CreateSecurityGroup")
        request.add("GroupName", name)
        request.add("GroupDescription", description)
        request.add("VpcId", vpcId)
        EC2Tag.addSpecification(tags, resourceType: "security-group", to: &request)
        request.addDryRun(dryRun)
        let root = try call(request)
        guard let groupId = root.string("groupId") else {
            throw AWSError(.server, code: "MalformedResponse", message: "CreateSecurityGroup answered without a groupId",
                           requestID: root.string("requestId"))
        }
        return groupId
    }

    /// AuthorizeSecurityGroupIngress; returns the ids of the rules created (`sgr-…`), when EC2 reports them.
    @discardableResult
    public func authorizeSecurityGroupIngress(groupId: String, permissions: [EC2IpPermission],
                                              dryRun: Bool = false) throws(AWSError) -> [String] {
        var request = Self.request("AuthorizeSecurityGroupIngress")
        request.add("GroupId", groupId)
        EC2IpPermission.add(permissions, to: &request)
        request.addDryRun(dryRun)
        return try call(request).items("securityGroupRuleSet").compactMap { $0.string("securityGroupRuleId") }
    }

    /// RevokeSecurityGroupIngress by permission (protocol, ports, ranges). Returns the permissions that matched
    /// no rule (`unknownIpPermissionSet`); empty when everything was revoked.
    @discardableResult
    public func revokeSecurityGroupIngress(groupId: String, permissions: [EC2IpPermission],
                                           dryRun: Bool = false) throws(AWSError) -> [EC2IpPermission] {
        let request = Self.revokeIngressRequest(groupId: groupId, permissions: permissions, dryRun: dryRun)
        return try revoke(request)
    }

    /// RevokeSecurityGroupIngress by rule id (`SecurityGroupRuleId.N`).
    @discardableResult
    public func revokeSecurityGroupIngress(groupId: String, ruleIds: [String],
                                           dryRun: Bool = false) throws(AWSError) -> [EC2IpPermission] {
        var request = Self.request("RevokeSecurityGroupIngress")
        request.add("GroupId", groupId)
        request.addList("SecurityGroupRuleId", ruleIds)
        request.addDryRun(dryRun)
        return try revoke(request)
    }

    private func revoke(_ request: QueryRequest) throws(AWSError) -> [EC2IpPermission] {
        let root = try call(request)
        if root.bool("return") == false {
            throw AWSError(.client, code: "ReturnedFalse", message: "\(request.action) returned false",
                           requestID: root.string("requestId"))
        }
        return root.items("unknownIpPermissionSet").compactMap(EC2IpPermission.init(xml:))
    }

    static func revokeIngressRequest(groupId: String, permissions: [EC2IpPermission], dryRun: Bool) -> QueryRequest {
        var request = Self.request("RevokeSecurityGroupIngress")
        request.add("GroupId", groupId)
        EC2IpPermission.add(permissions, to: &request)
        request.addDryRun(dryRun)
        return request
    }
}
