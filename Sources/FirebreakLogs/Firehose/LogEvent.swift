/// One decoded log event.
public enum LogEvent: Sendable {
    case flow(FlowLogRecord)
    case cloudTrail(CloudTrailRecord)
    /// A Route 53 Resolver query log record.
    case dnsQuery(Route53QueryRecord)
    /// A GuardDuty finding (EventBridge `GuardDuty Finding`, or bare).
    case guardDuty(GuardDutyFinding)
    /// A JSON document that is not CloudTrail.
    case json(JSONValue)
    /// A text line that is neither JSON, a flow-log line nor an ALB, S3 server access or CloudFront log entry.
    case text(String)
    /// An Application Load Balancer access log entry.
    case alb(ALBLogRecord)
    /// An Amazon S3 server access log record (the space-delimited line or the CloudWatch Logs JSON object).
    case s3Access(S3AccessLogRecord)
    /// A CloudFront standard log record (a legacy log file line or a standard logging v2 JSON object).
    case cloudFront(CloudFrontLogRecord)
}

public extension LogEvent {
    var kind: LogEventKind {
        switch self {
        case .flow: return .vpcFlow
        case .cloudTrail: return .cloudTrail
        case .dnsQuery: return .route53
        case .guardDuty: return .guardDuty
        case .json: return .json
        case .text: return .text
        case .alb: return .elb
        case .s3Access: return .s3Access
        case .cloudFront: return .cloudFront
        }
    }

    /// The event itself as JSON (flow, ALB, S3 and CloudFront records keyed by AWS field names; text as a string).
    func jsonValue() -> JSONValue {
        switch self {
        case .flow(let record): return record.jsonObject()
        case .cloudTrail(let record): return record.record
        case .dnsQuery(let record): return record.record
        case .guardDuty(let finding): return finding.finding
        case .json(let value): return value
        case .text(let text): return .string(text)
        case .alb(let record): return record.jsonObject()
        case .s3Access(let record): return record.jsonObject()
        case .cloudFront(let record): return record.jsonObject()
        }
    }

    /// Appends the text of `jsonValue()` to `out`; a flow record is written from its line and a CloudTrail record from
    /// its bytes (when they are that text), without building the tree.
    func writeJSON(into out: inout [UInt8]) {
        switch self {
        case .flow(let record): record.writeJSON(into: &out)
        case .cloudTrail(let record): record.writeJSON(into: &out)
        default: jsonValue().write(into: &out)
        }
    }

    /// The text of `jsonValue()`.
    func jsonText() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        writeJSON(into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
