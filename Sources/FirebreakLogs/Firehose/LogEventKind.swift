/// The kind of a `LogEvent`; raw values are the `type` in `DecodedEvent.jsonLine()`.
public enum LogEventKind: String, Sendable, CaseIterable {
    case vpcFlow = "vpcflow"
    case cloudTrail = "cloudtrail"
    case json
    case text
    /// Application Load Balancer access logs (the Sigma `service` name).
    case elb
}
