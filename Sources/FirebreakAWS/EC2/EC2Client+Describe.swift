extension EC2Client {
    /// DescribeInstances by ids and/or filters (all instances when both are empty), every page.
    public func describeInstances(ids: [String] = [], filters: [EC2Filter] = []) throws(AWSError) -> [EC2Instance] {
        try paginate({ Self.describeInstancesRequest(ids: ids, filters: filters, nextToken: $0) }) { root in
            root.items("reservationSet").flatMap { $0.items("instancesSet").compactMap(EC2Instance.init(xml:)) }
        }
    }

    /// DescribeNetworkInterfaces by ids and/or filters, every page.
    public func describeNetworkInterfaces(ids: [String] = [], filters: [EC2Filter] = []) throws(AWSError)
        -> [EC2NetworkInterface] {
        try paginate({ token in
            Self.describeRequest("DescribeNetworkInterfaces", idName: "NetworkInterfaceId", ids: ids, filters: filters,
                                 nextToken: token)
        }) { root in
            root.items("networkInterfaceSet").compactMap(EC2NetworkInterface.init(xml:))
        }
    }

    /// DescribeVolumes by ids and/or filters (e.g. `attachment.instance-id`), every page.
    public func describeVolumes(ids: [String] = [], filters: [EC2Filter] = []) throws(AWSError) -> [EC2Volume] {
        try paginate({ Self.describeRequest("DescribeVolumes", idName: "VolumeId", ids: ids, filters: filters,
                                            nextToken: $0) }) { root in
            root.items("volumeSet").compactMap(EC2Volume.init(xml:))
        }
    }

    /// DescribeSecurityGroups by ids and/or filters, every page; ingress and egress permissions included.
    public func describeSecurityGroups(ids: [String] = [], filters: [EC2Filter] = []) throws(AWSError)
        -> [EC2SecurityGroup] {
        try paginate({ Self.describeRequest("DescribeSecurityGroups", idName: "GroupId", ids: ids, filters: filters,
                                            nextToken: $0) }) { root in
            root.items("securityGroupInfo").compactMap(EC2SecurityGroup.init(xml:))
        }
    }

    static func describeInstancesRequest(ids: [String], filters: [EC2Filter], nextToken: String?) -> QueryRequest {
        describeRequest("DescribeInstances", idName: "InstanceId", ids: ids, filters: filters, nextToken: nextToken)
    }

    static func describeRequest(_ action: String, idName: String, ids: [String], filters: [EC2Filter],
                                nextToken: String?) -> QueryRequest {
        var request = Self.request(action)
        request.addList(idName, ids)
        EC2Filter.add(filters, to: &request)
        request.addIfPresent("NextToken", nextToken)
        return request
    }
}
