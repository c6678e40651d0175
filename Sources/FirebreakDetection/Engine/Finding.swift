import FirebreakLogs

/// A rule's judgement on an event (or, for a correlation rule, on a group of events).
///
/// The id is derived from the rule id and the event's stable key (or the correlation group and its
/// window), so a redelivered event yields the same finding id: downstream dedup is by id.
public struct Finding: Sendable {
    /// Everything in one object: a busy delivery copies a finding per match (into arrays, merges, samples), and a
    /// copy is then one retain instead of one per string, list and event inside.
    private var storage: Storage

    /// Immutable once shared: the only mutation (`resolveResource()`) copies it first unless it is unique.
    private final class Storage: @unchecked Sendable {
        let ruleID: String
        let ruleTitle: String
        let level: RuleLevel
        let tags: [String]
        let id: String
        let windowEndMillis: Int64?
        let timeMillis: Int64
        let correlation: Correlation?
        let origin: Origin
        var resolvedResource: FindingResource?

        init(ruleID: String, ruleTitle: String, level: RuleLevel, tags: [String], id: String, windowEndMillis: Int64?,
             timeMillis: Int64, correlation: Correlation?, origin: Origin, resolvedResource: FindingResource? = nil) {
            self.ruleID = ruleID
            self.ruleTitle = ruleTitle
            self.level = level
            self.tags = tags
            self.id = id
            self.windowEndMillis = windowEndMillis
            self.timeMillis = timeMillis
            self.correlation = correlation
            self.origin = origin
            self.resolvedResource = resolvedResource
        }

        func copy() -> Storage {
            Storage(ruleID: ruleID, ruleTitle: ruleTitle, level: level, tags: tags, id: id, windowEndMillis: windowEndMillis,
                    timeMillis: timeMillis, correlation: correlation, origin: origin, resolvedResource: resolvedResource)
        }
    }

    public var ruleID: String { storage.ruleID }
    public var ruleTitle: String { storage.ruleTitle }
    public var level: RuleLevel { storage.level }
    public var tags: [String] { storage.tags }
    /// Stable across redeliveries: the rule, the dedup key and the window of a rule's match (`FindingDedup`), or the
    /// correlation group and the start of its window.
    public var id: String { storage.id }
    /// When the dedup window of a rule's match ends (event time, ms since the epoch); nil for a correlation finding.
    public var windowEndMillis: Int64? { storage.windowEndMillis }
    /// Event time of the matched event (or of the last event of a correlated group), ms since the epoch.
    public var timeMillis: Int64 { storage.timeMillis }
    public var correlation: Correlation? { storage.correlation }
    /// Where the finding came from; what is derived from it (id, resource, matched fields, the event as
    /// JSON) is computed when asked for, so that evaluating stays cheap when findings are many.
    var origin: Origin { storage.origin }

    enum Origin: Sendable {
        case event(DetectionEvent, CompiledRule)
        case group(id: String, resource: FindingResource, fields: [String: [FieldValue]], last: DetectionEvent)
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
        self.init(rule: compiled, event: event, dedup: dedup, id: dedup.findingID(ruleID: compiled.program.ruleID, event: event))
    }

    /// As `init(rule:event:dedup:)`, with the id already worked out (`FindingDedup.findingKey`).
    init(rule compiled: CompiledRule, event: DetectionEvent, dedup: FindingDedup, id: String) {
        // The rule's header is read from the compiled program (copying the whole `SigmaRule` costs a retain per field).
        let program = compiled.program
        storage = Storage(ruleID: program.ruleID, ruleTitle: program.ruleTitle, level: program.level, tags: program.tags,
                          id: id, windowEndMillis: dedup.windowEnd(event.timeMillis),
                          timeMillis: event.timeMillis, correlation: nil, origin: .event(event, compiled))
    }

    /// A finding of a correlation rule on a group of events.
    init(ruleID: String, ruleTitle: String, level: RuleLevel, tags: [String], id: String, resource: FindingResource,
         matchedFields: [String: [FieldValue]], last: DetectionEvent, correlation: Correlation) {
        storage = Storage(ruleID: ruleID, ruleTitle: ruleTitle, level: level, tags: tags, id: id, windowEndMillis: nil,
                          timeMillis: correlation.lastMillis, correlation: correlation,
                          origin: .group(id: id, resource: resource, fields: matchedFields, last: last))
    }

    /// What the finding concerns (the instance, ENI, security group, trail, bucket, ...).
    public var resource: FindingResource {
        if let resolved = storage.resolvedResource { return resolved }
        switch origin {
        case .event(let event, _): return FindingResource(event: event)
        case .group(_, let resource, _, _): return resource
        }
    }

    /// Derives the resource now and keeps it, for a finding whose resource is read many times (planning).
    public mutating func resolveResource() {
        guard storage.resolvedResource == nil else { return }
        let resource = resource
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        storage.resolvedResource = resource
    }

    /// The event time as ISO 8601 with milliseconds (as in the finding's JSON).
    public var timeText: String { ISO8601Millis.format(timeMillis) }

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

    /// A stable id: 128 bits of FNV-1a over the parts, in hex (not a security hash; an identity; see `StableID`).
    public static func stableID(_ parts: String...) -> String {
        var id = StableID()
        for part in parts { id.add(part) }
        return id.text
    }

    /// The finding as a JSON object (for log lines, `replay` output and the store); with `event: false`, without
    /// the matched event (always the last member when present).
    public func jsonValue(event includeEvent: Bool = true) -> JSONValue {
        var object = JSONObject()
        object.append("findingId", .string(id))
        object.append("ruleId", .string(ruleID))
        object.append("title", .string(ruleTitle))
        object.append("level", .string(level.rawValue))
        object.append("time", .string(timeText))
        object.append("logsource", .string(logSource.service ?? logSource.description))
        if !tags.isEmpty { object.append("tags", .array(tags.map { .string($0) })) }
        object.append("resource", resource.jsonValue())
        var fields = JSONObject()
        let matched = matchedFields   // computed from the event: read once
        for key in matched.keys.sorted() {
            let values = matched[key]!.map(Self.json)
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
        if includeEvent, let event { object.append("event", event.event.jsonValue()) }
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
