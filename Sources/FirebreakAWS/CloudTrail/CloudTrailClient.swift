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

    private struct TrailName: Encodable {
        var name: String
        enum CodingKeys: String, CodingKey { case name = "Name" }
    }

    private struct Empty: Decodable {}
}
