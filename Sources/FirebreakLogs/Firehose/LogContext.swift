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
