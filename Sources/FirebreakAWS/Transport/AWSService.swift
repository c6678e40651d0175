/// An AWS service as far as endpoints and signing are concerned.
public struct AWSService: Sendable, Hashable, CustomStringConvertible {
    /// The SDK service id (`EC2`, `SNS`, `CloudTrail`): names the `AWS_ENDPOINT_URL_<ID>` variable
    /// (upper-cased, spaces → `_`).
    public var id: String
    /// The first label of the default host: `<prefix>.<region>.amazonaws.com`.
    public var endpointPrefix: String
    /// The SigV4 service name, kept even when the endpoint is overridden.
    public var signingName: String

    public init(id: String, endpointPrefix: String, signingName: String) {
        self.id = id
        self.endpointPrefix = endpointPrefix
        self.signingName = signingName
    }

    public static let ec2 = AWSService(id: "EC2", endpointPrefix: "ec2", signingName: "ec2")
    public static let sns = AWSService(id: "SNS", endpointPrefix: "sns", signingName: "sns")
    public static let cloudTrail = AWSService(id: "CloudTrail", endpointPrefix: "cloudtrail", signingName: "cloudtrail")
    public static let sts = AWSService(id: "STS", endpointPrefix: "sts", signingName: "sts")
    public static let dynamoDB = AWSService(id: "DynamoDB", endpointPrefix: "dynamodb", signingName: "dynamodb")
    public static let securityHub = AWSService(id: "SecurityHub", endpointPrefix: "securityhub", signingName: "securityhub")
    public static let eventBridge = AWSService(id: "EventBridge", endpointPrefix: "events", signingName: "events")

    /// `AWS_ENDPOINT_URL_EC2`, `AWS_ENDPOINT_URL_CLOUDTRAIL`, `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`, ...
    public var endpointEnvironmentVariable: String {
        "AWS_ENDPOINT_URL_" + id.uppercased().replacingOccurrences(of: " ", with: "_")
    }

    public var description: String { id }
}
