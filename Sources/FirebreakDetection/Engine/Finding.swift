import FirebreakLogs

/// A rule's judgement on an event (or, for a correlation rule, on a group of events).
///
/// The id is derived from the rule id and the event's stable key (or the correlation group and its
/// window), so a redelivered event yields the same finding id: downstream dedup is by id.
public struct Finding: Sendable {
    public var ruleID: String
    public var ruleTitle: String
    public var level: RuleLevel
    public var tags: [String]
    /// Stable across redeliveries: the rule, the dedup key and the window of a rule's match (`FindingDedup`), or the
    /// correlation group and the start of its window.
    public let id: String
    /// When the dedup window of a rule's match ends (event time, ms since the epoch); nil for a correlation finding.
    public let windowEndMillis: Int64?
    /// Event time of the matched event (or of the last event of a correlated group), ms since the epoch.
    public var timeMillis: Int64
    /// What a correlation finding aggregates; nil for a rule's finding.
    public var correlation: Correlation? {
        get { correlationBox?.value }
        set { correlationBox = newValue.map(CorrelationBox.init) }
    }
    /// Boxed, so that a rule's finding (the common case, no correlation) stays small.
    private var correlationBox: CorrelationBox?

    final class CorrelationBox: Sendable {
        let value: Correlation
        init(_ value: Correlation) { self.value = value }
    }
    /// Where the finding came from; what is derived from it (id, resource, matched fields, the event as
    /// JSON) is computed when asked for, so that evaluating stays cheap when findings are many.
    let origin: Origin

    enum Origin: Sendable {
        case event(DetectionEvent, CompiledRule)
        // Boxed: a rule's finding (the common case) stays small, so arrays of findings grow cheaply.
        indirect case group(id: String, resource: FindingResource, fields: [String: [FieldValue]], last: DetectionEvent)
    }

    /// What a correlation finding aggregates.
    public struct Correlation: Sendable {
        public var type: String
        public var groupKey: [String: String]
        public var count: Int
        public var firstMillis: Int64
        public var lastMillis: Int64
        public var eventKeys: [String]
    }

    /// A finding of a detection rule on one event; its id merges it with the rule's other matches on the same dedup
    /// key in the same window.
    init(rule compiled: CompiledRule, event: DetectionEvent, dedup: FindingDedup) {
        // The rule's header is read from the compiled program (copying the whole `SigmaRule` costs a retain per field).
        let program = compiled.program
        ruleID = program.ruleID
        id = dedup.findingID(ruleID: ruleID, event: event)
        windowEndMillis = dedup.windowEnd(event.timeMillis)
        ruleTitle = program.ruleTitle
        level = program.level
        tags = program.tags
        timeMillis = event.timeMillis
        correlationBox = nil
        origin = .event(event, compiled)
    }

    /// A finding of a correlation rule on a group of events.
    init(ruleID: String, ruleTitle: String, level: RuleLevel, tags: [String], id: String, resource: FindingResource,
         matchedFields: [String: [FieldValue]], last: DetectionEvent, correlation: Correlation) {
        self.ruleID = ruleID
        self.id = id
        self.windowEndMillis = nil
        self.ruleTitle = ruleTitle
        self.level = level
        self.tags = tags
        self.timeMillis = correlation.lastMillis
        self.correlationBox = CorrelationBox(correlation)
        self.origin = .group(id: id, resource: resource, fields: matchedFields, last: last)
    }

    /// What the finding concerns (the instance, ENI, security group, trail, bucket, ...).
    public var resource: FindingResource {
        switch origin {
        case .event(let event, _): return FindingResource(event: event)
        case .group(_, let resource, _, _): return resource
        }
    }

    /// Values of the fields the rule names, as read from the event (the group key for a correlation).
    public var matchedFields: [String: [FieldValue]] {
        switch origin {
        case .event(let event, let compiled): return compiled.matchedFields(event)
        case .group(_, _, let fields, _): return fields
        }
    }

    /// The matched event (nil for a correlation finding, which lists event keys instead).
    public var event: DecodedEvent? {
        if case .event(let event, _) = origin { return event.decoded }
        return nil
    }

    public var logSource: LogSource {
        switch origin {
        case .event(let event, _), .group(_, _, _, let event): return event.logSource
        }
    }

    /// A stable id: 128 bits of FNV-1a over the parts, in hex (not a security hash; an identity).
    public static func stableID(_ parts: String...) -> String {
        var hasher = StableIDHasher()
        for part in parts { hasher.add(part) }
        return hasher.finish()
    }

    /// The finding as a JSON object (for log lines, `replay` output and the store).
    public func jsonValue() -> JSONValue {
        var object = JSONObject()
        object.append("findingId", .string(id))
        object.append("ruleId", .string(ruleID))
        object.append("title", .string(ruleTitle))
        object.append("level", .string(level.rawValue))
        object.append("time", .string(ISO8601Millis.format(timeMillis)))
        object.append("logsource", .string(logSource.service ?? logSource.description))
        if !tags.isEmpty { object.append("tags", .array(tags.map { .string($0) })) }
        object.append("resource", resource.jsonValue())
        var fields = JSONObject()
        for key in matchedFields.keys.sorted() {
            let values = matchedFields[key]!.map(Self.json)
            fields.append(key, values.count == 1 ? values[0] : .array(values))
        }
        object.append("matched", .object(fields))
        if let correlation {
            var c = JSONObject()
            c.append("type", .string(correlation.type))
            var group = JSONObject()
            for key in correlation.groupKey.keys.sorted() { group.append(key, .string(correlation.groupKey[key]!)) }
            c.append("groupBy", .object(group))
            c.append("count", .int(Int64(correlation.count)))
            c.append("first", .string(ISO8601Millis.format(correlation.firstMillis)))
            c.append("last", .string(ISO8601Millis.format(correlation.lastMillis)))
            c.append("eventKeys", .array(correlation.eventKeys.map { .string($0) }))
            object.append("correlation", .object(c))
        }
        if let event { object.append("event", event.event.jsonValue()) }
        return .object(object)
    }

    static func json(_ value: FieldValue) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .address(let a): return .string(a.description)
        }
    }
}
