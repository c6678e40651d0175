/// Typed CloudTrail calls over AWS JSON 1.1 (signing name `cloudtrail`).
public struct CloudTrailClient: Sendable {
    public static let targetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"
    public static let signingName = "cloudtrail"

    public let client: AWSClient

    /// A client over `client`, whose signing name should be `cloudtrail`.
    public init(client: AWSClient) {
        self.client = client
    }

    /// Calls any CloudTrail operation (`CreateTrail`, …) with a JSON input and output.
    public func call<Input: Encodable, Output: Decodable>(_ operation: String, _ input: Input,
                                                          as output: Output.Type) throws(AWSError) -> Output {
        try client.json(targetPrefix: Self.targetPrefix, operation: operation, input: input, as: output)
    }

    /// StartLogging: turns a stopped trail back on (name or ARN).
    public func startLogging(name: String) throws(AWSError) {
        _ = try call("StartLogging", TrailName(name: name), as: Empty.self)
    }

    /// GetTrailStatus (name or ARN).
    public func getTrailStatus(name: String) throws(AWSError) -> CloudTrailTrailStatus {
        try call("GetTrailStatus", TrailName(name: name), as: CloudTrailTrailStatus.self)
    }

    /// GetTrail: the trail's ARN (from its name or ARN).
    public func trailARN(name: String) throws(AWSError) -> String {
        let answer = try call("GetTrail", TrailName(name: name), as: GetTrailOutput.self)
        guard let arn = answer.trail?.trailARN, !arn.isEmpty else {
            throw AWSError(.notFound, code: "TrailNotFoundException", message: "GetTrail returned no trail named \(name)")
        }
        return arn
    }

    /// ListTags of one trail (by ARN).
    public func tags(trailARN: String) throws(AWSError) -> [String: String] {
        let answer = try call("ListTags", ListTagsInput(resourceIdList: [trailARN]), as: ListTagsOutput.self)
        var tags: [String: String] = [:]
        for resource in answer.resourceTagList ?? [] where resource.resourceId == nil || resource.resourceId == trailARN {
            for tag in resource.tagsList ?? [] { tags[tag.key] = tag.value ?? "" }
        }
        return tags
    }

    private struct GetTrailOutput: Decodable {
        struct Trail: Decodable {
            var trailARN: String?
            enum CodingKeys: String, CodingKey { case trailARN = "TrailARN" }
        }
        var trail: Trail?
        enum CodingKeys: String, CodingKey { case trail = "Trail" }
    }

    private struct ListTagsInput: Encodable {
        var resourceIdList: [String]
        enum CodingKeys: String, CodingKey { case resourceIdList = "ResourceIdList" }
    }

    private struct ListTagsOutput: Decodable {
        struct Resource: Decodable {
            struct Tag: Decodable {
                var key: String
                var value: String?
                enum CodingKeys: String, CodingKey { case key = "Key", value = "Value" }
            }
            var resourceId: String?
            var tagsList: [Tag]?
            enum CodingKeys: String, CodingKey { case resourceId = "ResourceId", tagsList = "TagsList" }
        }
        var resourceTagList: [Resource]?
        enum CodingKeys: String, CodingKey { case resourceTagList = "ResourceTagList" }
    }

    private struct TrailName: Encodable {
        var name: String
        enum CodingKeys: String, CodingKey { case name = "Name" }
    }

    private struct Empty: Decodable {}
}
