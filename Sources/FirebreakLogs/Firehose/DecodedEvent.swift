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
