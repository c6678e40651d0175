extension EC2Client {
    /// ModifyInstanceAttribute with one change.
    public func modifyInstanceAttribute(instanceId: String, _ change: EC2InstanceAttributeChange,
                                        dryRun: Bool = false) throws(AWSError) {
        try callReturningTrue(Self.modifyInstanceAttributeRequest(instanceId: instanceId, change, dryRun: dryRun))
    }

    /// ModifyNetworkInterfaceAttribute: replaces the interface's security groups (`SecurityGroupId.N`).
    public func modifyNetworkInterfaceAttribute(networkInterfaceId: String, groups: [String],
                                                dryRun: Bool = false) throws(AWSError) {
        try callReturningTrue(Self.modifyNetworkInterfaceGroupsRequest(networkInterfaceId: networkInterfaceId,
                                                                       groups: groups, dryRun: dryRun))
    }

    /// StopInstances; `force` skips the OS shutdown. Returns each instance's state change.
    public func stopInstances(ids: [String], force: Bool = false, dryRun: Bool = false) throws(AWSError)
        -> [EC2InstanceStateChange] {
        var request = Self.request("StopInstances")
        request.addList("InstanceId", ids)
        if force { request.add("Force", true) }
        request.addDryRun(dryRun)
        return try call(request).items("instancesSet").compactMap(EC2InstanceStateChange.init(xml:))
    }

    /// TerminateInstances. Returns each instance's state change.
    public func terminateInstances(ids: [String], dryRun: Bool = false) throws(AWSError) -> [EC2InstanceStateChange] {
        var request = Self.request("TerminateInstances")
        request.addList("InstanceId", ids)
        request.addDryRun(dryRun)
        return try call(request).items("instancesSet").compactMap(EC2InstanceStateChange.init(xml:))
    }

    static func modifyInstanceAttributeRequest(instanceId: String, _ change: EC2InstanceAttributeChange,
                                               dryRun: Bool) -> QueryRequest {
        var request = Self.request("ModifyInstanceAttribute")
        request.add("InstanceId", instanceId)
        change.add(to: &request)
        request.addDryRun(dryRun)
        return request
    }

    static func modifyNetworkInterfaceGroupsRequest(networkInterfaceId: String, groups: [String],
                                                    dryRun: Bool) -> QueryRequest {
        var request = Self.request("ModifyNetworkInterfaceAttribute")
        request.add("NetworkInterfaceId", networkInterfaceId)
        request.addList("SecurityGroupId", groups)
        request.addDryRun(dryRun)
        return request
    }
}
