/// An event with its context.
///
/// The event and its context live in one immutable object: a delivery's events are copied from decoding to the
/// batch to the rules to findings, and a copy is then one retain instead of the record's bytes and references.
public struct DecodedEvent: Sendable {
    private var storage: Storage

    private final class Storage: Sendable {
        let event: LogEvent
        let context: LogContext

        init(event: LogEvent, context: LogContext) {
            self.event = event
            self.context = context
        }
    }

    // `_read` lends the value in place: a rule that switches over the event does not copy the record out.
    public var event: LogEvent {
        _read { yield storage.event }
        set { storage = Storage(event: newValue, context: storage.context) }
    }

    public var context: LogContext {
        _read { yield storage.context }
        set { storage = Storage(event: storage.event, context: newValue) }
    }

    public init(event: LogEvent, context: LogContext) {
        storage = Storage(event: event, context: context)
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
