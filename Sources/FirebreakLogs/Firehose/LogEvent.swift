/// One decoded log event.
public enum LogEvent: Sendable {
    case flow(FlowLogRecord)
    case cloudTrail(CloudTrailRecord)
    /// A JSON document that is not CloudTrail.
    case json(JSONValue)
    /// A text line that is neither JSON nor a flow-log line.
    case text(String)
}

/// The kind of a `LogEvent`; raw values are the `type` in `DecodedEvent.jsonLine()`.
public enum LogEventKind: String, Sendable, CaseIterable {
    case vpcFlow = "vpcflow"
    case cloudTrail = "cloudtrail"
    case json
    case text
}

public extension LogEvent {
    var kind: LogEventKind {
        switch self {
        case .flow: return .vpcFlow
        case .cloudTrail: return .cloudTrail
        case .json: return .json
        case .text: return .text
        }
    }

    /// The event itself as JSON (flow records keyed by AWS field names; text as a string).
    func jsonValue() -> JSONValue {
        switch self {
        case .flow(let record): return record.jsonObject()
        case .cloudTrail(let record): return record.record
        case .json(let value): return value
        case .text(let text): return .string(text)
        }
    }
}

/// Where an event came from.
///
/// The CloudWatch Logs members are shared by every event of one message (one reference, not
/// three strings, per event) and the event id stays a byte range of the payload until read:
/// both save work per event on the hot path. They behave as ordinary stored properties.
public struct LogContext: Sendable, Equatable {
    /// Index of the Firehose record (0 for a whole file).
    public var recordIndex: Int
    /// `logEvents[].timestamp`, ms since the epoch.
    public var timestampMillis: Int64?
    var origin: Origin?
    var eventID: EventID = .none

    /// The subscription message an event came in (immutable, shared).
    final class Origin: Sendable {
        let logGroup: String?
        let logStream: String?
        let owner: String?
        /// The decompressed payload, for `EventID.range`.
        let payload: ByteStorage?

        init(logGroup: String?, logStream: String?, owner: String?, payload: ByteStorage?) {
            self.logGroup = logGroup
            self.logStream = logStream
            self.owner = owner
            self.payload = payload
        }
    }

    enum EventID: Sendable {
        case none
        case string(String)
        /// A range of `origin.payload`.
        case range(start: Int, end: Int)
    }

    /// CloudWatch Logs subscription fields, when the event came in a `DATA_MESSAGE`.
    public var logGroup: String? {
        get { origin?.logGroup }
        set { origin = Origin(logGroup: newValue, logStream: logStream, owner: owner, payload: origin?.payload) }
    }

    public var logStream: String? {
        get { origin?.logStream }
        set { origin = Origin(logGroup: logGroup, logStream: newValue, owner: owner, payload: origin?.payload) }
    }

    public var owner: String? {
        get { origin?.owner }
        set { origin = Origin(logGroup: logGroup, logStream: logStream, owner: newValue, payload: origin?.payload) }
    }

    /// `logEvents[].id`, a dedup key.
    public var cloudWatchEventID: String? {
        get {
            switch eventID {
            case .none: return nil
            case .string(let s): return s
            case .range(let start, let end): return origin?.payload?.string(start, end)
            }
        }
        set { eventID = newValue.map { .string($0) } ?? .none }
    }

    public init(recordIndex: Int, logGroup: String? = nil, logStream: String? = nil, owner: String? = nil,
                cloudWatchEventID: String? = nil, timestampMillis: Int64? = nil) {
        self.recordIndex = recordIndex
        self.timestampMillis = timestampMillis
        if logGroup != nil || logStream != nil || owner != nil {
            origin = Origin(logGroup: logGroup, logStream: logStream, owner: owner, payload: nil)
        }
        self.cloudWatchEventID = cloudWatchEventID
    }

    init(recordIndex: Int, origin: Origin) {
        self.recordIndex = recordIndex
        self.origin = origin
    }

    public static func == (lhs: LogContext, rhs: LogContext) -> Bool {
        lhs.recordIndex == rhs.recordIndex && lhs.logGroup == rhs.logGroup && lhs.logStream == rhs.logStream
            && lhs.owner == rhs.owner && lhs.timestampMillis == rhs.timestampMillis
            && lhs.cloudWatchEventID == rhs.cloudWatchEventID
    }
}

/// An event with its context.
public struct DecodedEvent: Sendable {
    public var event: LogEvent
    public var context: LogContext

    public init(event: LogEvent, context: LogContext) {
        self.event = event
        self.context = context
    }

    /// One JSON line (no newline) as `firebreak decode` prints it:
    /// `{"type":"vpcflow","recordIndex":0,"logGroup":"...","logStream":"...","owner":"...",`
    /// `"cloudWatchEventId":"...","timestamp":1700000000000,"event":{...}}`.
    /// Absent context members are omitted; CloudTrail events add `"envelope"` (and
    /// `"detailType"` for EventBridge).
    public func jsonLine() -> String {
        var object = JSONObject()
        object.append("type", .string(event.kind.rawValue))
        object.append("recordIndex", .int(Int64(context.recordIndex)))
        if let v = context.logGroup { object.append("logGroup", .string(v)) }
        if let v = context.logStream { object.append("logStream", .string(v)) }
        if let v = context.owner { object.append("owner", .string(v)) }
        if let v = context.cloudWatchEventID { object.append("cloudWatchEventId", .string(v)) }
        if let v = context.timestampMillis { object.append("timestamp", .int(v)) }
        if case .cloudTrail(let record) = event {
            object.append("envelope", .string(record.envelope.name))
            if case .eventBridge(let detailType) = record.envelope { object.append("detailType", .string(detailType)) }
        }
        object.append("event", event.jsonValue())
        return JSONValue.object(object).serialized()
    }
}

/// What kind of non-fatal problem a `DecodeIssue` reports.
public enum DecodeIssueKind: String, Sendable, CaseIterable {
    /// A flow-log line with the wrong field count or an invalid typed value.
    case flowLine
    /// Malformed JSON (a record, a line, or a CloudWatch Logs message).
    case json
    /// A CloudTrail envelope that could not be used.
    case cloudTrail
    /// A CloudWatch Logs payload problem (unknown messageType, event without message, ...).
    case cloudWatchLogs
    /// A line or message longer than the configured maximum (skipped).
    case lineTooLong
    /// More events in one record than the configured maximum (the rest was skipped).
    case tooManyEvents
    /// Compressed data inside already decompressed data (not decoded).
    case nestedCompression
}

/// A non-fatal problem: the line or event was skipped and decoding continued.
public struct DecodeIssue: Sendable, Equatable, CustomStringConvertible {
    public var kind: DecodeIssueKind
    public var recordIndex: Int
    /// 1-based line number in a text payload, or the 0-based index into `logEvents` of a
    /// CloudWatch Logs message; nil when the whole record is concerned.
    public var line: Int?
    public var message: String

    public init(kind: DecodeIssueKind, recordIndex: Int, line: Int?, message: String) {
        self.kind = kind
        self.recordIndex = recordIndex
        self.line = line
        self.message = message
    }

    public var description: String {
        "record \(recordIndex)\(line.map { ", line \($0)" } ?? ""): \(kind.rawValue): \(message)"
    }
}

/// Everything decoded from one record (or one file).
public struct RecordDecodeResult: Sendable {
    public var events: [DecodedEvent]
    public var issues: [DecodeIssue]
    /// CloudWatch Logs `CONTROL_MESSAGE`s seen (acknowledged and ignored).
    public var controlMessages: Int
    /// Size of the payload after gzip decompression (the input size when it was not compressed).
    public var decompressedBytes: Int

    public init(events: [DecodedEvent] = [], issues: [DecodeIssue] = [], controlMessages: Int = 0, decompressedBytes: Int = 0) {
        self.events = events
        self.issues = issues
        self.controlMessages = controlMessages
        self.decompressedBytes = decompressedBytes
    }

    /// Appends another result (events, issues, counters).
    public mutating func merge(_ other: RecordDecodeResult) {
        events.append(contentsOf: other.events)
        issues.append(contentsOf: other.issues)
        controlMessages += other.controlMessages
        decompressedBytes += other.decompressedBytes
    }
}
