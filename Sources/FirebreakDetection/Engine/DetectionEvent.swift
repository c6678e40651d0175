import FirebreakLogs

/// One decoded log event as the rules see it: its log source, its event time, and its fields by path.
public struct DetectionEvent: Sendable {
    /// Everything in one shared, immutable object, so that copying an event (out of an array, into a
    /// finding) is one retain rather than one per reference inside the record.
    let storage: Storage

    final class Storage: Sendable {
        let decoded: DecodedEvent
        let kind: LogEventKind
        let timeMillis: Int64
        let flowDirection: FlowDirection?

        init(decoded: DecodedEvent, kind: LogEventKind, timeMillis: Int64, flowDirection: FlowDirection?) {
            self.decoded = decoded
            self.kind = kind
            self.timeMillis = timeMillis
            self.flowDirection = flowDirection
        }
    }

    public var decoded: DecodedEvent { storage.decoded }
    /// The event's kind, kept apart so routing needs no look into the event.
    public var kind: LogEventKind { storage.kind }
    /// Event time in milliseconds since the epoch (flow `end`, CloudTrail `eventTime`, ALB and S3 `time`, CloudFront
    /// `date` + `time`, else the
    /// CloudWatch Logs timestamp, else when it was received). Correlation windows run on this clock.
    public var timeMillis: Int64 { storage.timeMillis }
    /// `flow-direction` from the record, or derived from `network.internal_cidrs` when the record has none.
    public var flowDirection: FlowDirection? { storage.flowDirection }

    public init(_ decoded: DecodedEvent, network: NetworkContext = NetworkContext(), receivedMillis: Int64 = 0) {
        let timeMillis: Int64
        let flowDirection: FlowDirection?
        switch decoded.event {
        case .flow(let flow):
            timeMillis = Self.time(of: flow, context: decoded.context, receivedMillis: receivedMillis)
            flowDirection = Self.direction(of: flow, network: network)
        case .cloudTrail(let record):
            let eventTime: Int64?? = record.withString("eventTime") { ISO8601Millis.parse(utf8: $0) }
            timeMillis = eventTime.flatMap { $0 } ?? decoded.context.timestampMillis ?? receivedMillis
            flowDirection = nil
        case .dnsQuery(let record):
            timeMillis = record.queryTimestamp.flatMap(ISO8601Millis.parse) ?? decoded.context.timestampMillis ?? receivedMillis
            flowDirection = nil
        case .guardDuty(let finding):
            timeMillis = finding.updatedAt.flatMap(ISO8601Millis.parse) ?? decoded.context.timestampMillis ?? receivedMillis
            flowDirection = nil
        case .alb(let record):
            timeMillis = record.value(of: .time).flatMap(ISO8601Millis.parse) ?? decoded.context.timestampMillis ?? receivedMillis
            flowDirection = nil
        case .s3Access(let record):
            timeMillis = AccessLogTime.millis(of: record) ?? decoded.context.timestampMillis ?? receivedMillis
            flowDirection = nil
        case .cloudFront(let record):
            timeMillis = AccessLogTime.millis(of: record) ?? decoded.context.timestampMillis ?? receivedMillis
            flowDirection = nil
        case .json, .text:
            timeMillis = decoded.context.timestampMillis ?? receivedMillis
            flowDirection = nil
        }
        self.init(decoded, timeMillis: timeMillis, flowDirection: flowDirection)
    }

    init(_ decoded: DecodedEvent, timeMillis: Int64, flowDirection: FlowDirection?) {
        storage = Storage(decoded: decoded, kind: decoded.event.kind, timeMillis: timeMillis, flowDirection: flowDirection)
    }

    /// A flow's event time: its `end` (else `start`), else the CloudWatch Logs timestamp, else when it was received.
    @inline(__always)
    static func time(of flow: FlowLogRecord, context: LogContext, receivedMillis: Int64) -> Int64 {
        let seconds = flow.end ?? flow.start
        return seconds.map { $0 &* 1000 } ?? context.timestampMillis ?? receivedMillis
    }

    /// A flow's `flow-direction`, or the one `network.internal_cidrs` gives its addresses.
    @inline(__always)
    static func direction(of flow: FlowLogRecord, network: NetworkContext) -> FlowDirection? {
        flow.flowDirection ?? network.direction(source: flow.srcaddr, destination: flow.dstaddr, interfaceAddress: nil)
    }

    /// The Sigma log source of the event: aws/vpcflowlogs, aws/cloudtrail, aws/route53, aws/guardduty, aws/elb, aws/s3,
    /// aws/cloudfront, or firebreak/<kind>.
    public var logSource: LogSource { Self.logSource(of: kind) }

    /// The log source of events of `kind`.
    public static func logSource(of kind: LogEventKind) -> LogSource {
        switch kind {
        case .vpcFlow: return .vpcFlowLogs
        case .cloudTrail: return .cloudTrail
        case .route53: return .route53
        case .guardDuty: return .guardDuty
        case .elb: return .elb
        case .s3Access: return .s3Access
        case .cloudFront: return .cloudFront
        default: return LogSource(product: "firebreak", service: kind.rawValue)
        }
    }

    /// The log source of every kind of event Firebreak decodes: a rule whose `logsource` covers none of them never
    /// matches (`firebreak rules validate` warns).
    public static var decodedLogSources: [LogSource] { LogEventKind.allCases.map(logSource(of:)) }

    /// The CloudTrail record, when this is a CloudTrail event.
    public var cloudTrail: CloudTrailRecord? {
        if case .cloudTrail(let record) = decoded.event { return record }
        return nil
    }

    /// Every value at `path`: several when the path crosses a list; empty when the field is absent.
    /// A JSON `null` is returned as `.null` (Sigma's `field: null` matches absent and null alike).
    public func values(at path: FieldPath) -> [FieldValue] {
        switch decoded.event {
        case .flow(let flow):
            if path.raw == "flow-direction" { return flowDirection.map { [.string($0.rawValue)] } ?? [] }
            return flow.field(path.raw).map { [FieldValue($0)] } ?? []
        case .cloudTrail(let record):
            guard ComputedFields.field(of: path) == nil else {
                return ComputedFields.source(record.record, path, self).values(at: path.components).map(FieldValue.init)
            }
            let tape = record.tape
            return tape.values(at: path.components[...], from: record.index).map { FieldValue(tape.value($0)) }
        case .json(let value):
            return value.values(at: path.components).map(FieldValue.init)
        case .dnsQuery(let record):
            return record.fields.values(at: path.components).map(FieldValue.init)
        case .guardDuty(let finding):
            return finding.finding.values(at: path.components).map(FieldValue.init)
        case .text(let line):
            return path.raw == "message" ? [.string(line)] : []
        case .alb(let record):
            guard let field = ALBLogField(name: path.raw), let text = record.value(of: field) else { return [] }
            return [FieldValue(text, kind: field.kind)]
        case .s3Access(let record):
            guard let field = S3AccessLogField(name: path.raw), let text = record.value(of: field) else { return [] }
            return [FieldValue(text, kind: field.kind)]
        case .cloudFront(let record):
            guard let text = record.field(path.raw) else { return [] }
            return [FieldValue(text, kind: CloudFrontLogField.kind(of: path.raw))]
        }
    }

    /// A stable key of the event for finding ids: CloudTrail `eventID`, the CloudWatch Logs event id,
    /// or the flow, ALB, S3 or CloudFront record's own text (so a redelivered event gives the same key).
    public var eventKey: String {
        switch decoded.event {
        case .cloudTrail(let record):
            if let id = record.eventID { return "cloudtrail:" + id }
        case .flow(let flow):
            return "vpcflow:" + flow.line
        case .guardDuty(let finding):
            // One key per finding and update: GuardDuty sends the same finding again when its count grows.
            if let id = finding.id { return "guardduty:" + id + "@" + (finding.updatedAt ?? "") }
        case .alb(let record):
            return "elb:" + record.line
        case .s3Access(let record):
            return "s3:" + record.line
        case .cloudFront(let record):
            return "cloudfront:" + record.line
        default:
            break
        }
        if let id = decoded.context.cloudWatchEventID, !id.isEmpty { return "cwl:" + id }
        return decoded.event.kind.rawValue + ":" + decoded.jsonLine()
    }
}
