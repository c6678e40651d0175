extension EC2Client {
    /// CreateTags: adds or overwrites `tags` on every resource of `resourceIds`.
    public func createTags(resourceIds: [String], tags: [EC2Tag], dryRun: Bool = false) throws(AWSError) {
        try callReturningTrue(Self.createTagsRequest(resourceIds: resourceIds, tags: tags, dryRun: dryRun))
    }

    static func createTagsRequest(resourceIds: [String], tags: [EC2Tag], dryRun: Bool) -> QueryRequest {
        var request = Self.request("CreateTags")
        request.addList("ResourceId", resourceIds)
        EC2Tag.add(tags, to: &request, prefix: "Tag")
        request.addDryRun(dryRun)
        return request
    }
}
