extension EC2Client {
    /// CreateSnapshots: crash-consistent snapshots of every EBS volume of an instance, boot volume included,
    /// tagged with `tags`. Returns one snapshot per volume (`volumeId` tells which).
    public func createSnapshots(instanceId: String, description: String, tags: [EC2Tag] = [],
                                dryRun: Bool = false) throws(AWSError) -> [EC2Snapshot] {
        let root = try call(Self.createSnapshotsRequest(instanceId: instanceId, description: description, tags: tags,
                                                         dryRun: dryRun))
        return root.items("snapshotSet").compactMap(EC2Snapshot.init(xml:))
    }

    /// CreateSnapshot of one volume, tagged with `tags`.
    public func createSnapshot(volumeId: String, description: String, tags: [EC2Tag] = [],
                               dryRun: Bool = false) throws(AWSError) -> EC2Snapshot {
        let request = Self.createSnapshotRequest(volumeId: volumeId, description: description, tags: tags, dryRun: dryRun)
        let root = try call(request)
        guard let snapshot = EC2Snapshot(xml: root) else {
            throw AWSError(.server, code: "MalformedResponse", message: "CreateSnapshot answered without a snapshotId",
                           requestID: root.string("requestId"))
        }
        return snapshot
    }

    static func createSnapshotsRequest(instanceId: String, description: String, tags: [EC2Tag],
                                       dryRun: Bool) -> QueryRequest {
        var request = Self.request("CreateSnapshots")
        request.add("InstanceSpecification.InstanceId", instanceId)
        request.add("InstanceSpecification.ExcludeBootVolume", false)
        request.add("Description", description)
        EC2Tag.addSpecification(tags, resourceType: "snapshot", to: &request)
        request.addDryRun(dryRun)
        return request
    }

    static func createSnapshotRequest(volumeId: String, description: String, tags: [EC2Tag],
                                      dryRun: Bool) -> QueryRequest {
        var request = Self.request("CreateSnapshot")
        request.add("VolumeId", volumeId)
        request.add("Description", description)
        EC2Tag.addSpecification(tags, resourceType: "snapshot", to: &request)
        request.addDryRun(dryRun)
        return request
    }
}
