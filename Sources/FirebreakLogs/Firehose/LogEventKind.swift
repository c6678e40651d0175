/// The kind of a `LogEvent`; raw values are the `type` in `DecodedEvent.jsonLine()` (and, for AWS logs, the Sigma
/// `logsource` service).
public enum LogEventKind: String, Sendable, CaseIterable {
    case vpcFlow = "vpcflow"
    case cloudTrail = "cloudtrail"
    case route53
    case guardDuty = "guardduty"
    case json
    case text
    /// Application Load Balancer access logs (the Sigma `service` name).
    case elb
    /// Amazon S3 server access logs.
    case s3Access = "s3"
    /// CloudFront standard logs.
    case cloudFront = "cloudfront"
}
