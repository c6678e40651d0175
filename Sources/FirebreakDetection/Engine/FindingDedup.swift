import FirebreakLogs

/// How repeated matches of one rule become one finding: matches with the same rule, dedup key and window share a
/// finding id, and the store counts them (first and last seen, a few samples) instead of keeping one row each.
///
/// The key is the values of `fields` when the rule names some (`firebreak: {dedup: {fields: [...]}}`), else the
/// finding's resource (instance, ENI, security group, trail, ...). A match whose rule names no fields and whose
/// event names no resource keeps its own finding. The window is the event time divided by `windowMillis`, so a
/// redelivered or replayed event falls in the same window and gets the same id.
public struct FindingDedup: Sendable, Hashable {
    public var fields: [FieldPath]
    public var windowMillis: Int64

    /// `findings.dedup_window`'s default: one hour.
    public static let defaultWindowMillis: Int64 = 3_600_000

    public init(fields: [FieldPath] = [], windowMillis: Int64 = defaultWindowMillis) {
        self.fields = fields
        self.windowMillis = max(1, windowMillis)
    }

    /// Dedup settings the configuration gives rules by id (or name) or by tag (`findings.dedup_rules`); a rule's
    /// own `firebreak.dedup` block comes first, then its id, then its first tag that has an entry.
    public struct Override: Sendable, Hashable {
        public var rule: String?
        public var tag: String?
        public var settings: SigmaRule.Dedup

        public init(rule: String? = nil, tag: String? = nil, settings: SigmaRule.Dedup) {
            self.rule = rule
            self.tag = tag
            self.settings = settings
        }
    }

    /// The rule's own `dedup` block, else the configuration's entry for its id or one of its tags, over `defaults`
    /// (the configured window; the resource as key).
    init(rule: SigmaRule, overrides: [Override], defaults: FindingDedup) {
        let tags = Set(rule.tags.map { $0.lowercased() })
        let settings = rule.dedup
            ?? overrides.first { $0.rule != nil && ($0.rule == rule.id || $0.rule == rule.name) }?.settings
            ?? overrides.first { $0.tag.map { tags.contains($0.lowercased()) } ?? false }?.settings
        self.init(fields: (settings?.fields ?? []).map { FieldPath($0) },
                  windowMillis: settings?.windowMillis ?? defaults.windowMillis)
    }

    /// When the window holding `timeMillis` ends (ms since the epoch, clamped).
    public func windowEnd(_ timeMillis: Int64) -> Int64 {
        let start = timeMillis / windowMillis * windowMillis - (timeMillis < 0 && timeMillis % windowMillis != 0 ? windowMillis : 0)
        let (end, overflow) = start.addingReportingOverflow(windowMillis)
        return overflow ? Int64.max : end
    }

    /// The id of a match of `ruleID` on `event`.
    func findingID(ruleID: String, event: DetectionEvent) -> String {
        var seed = StableID()
        seed.add(ruleID)
        return findingKey(seed: seed, event: event).text
    }

    /// The id of a match on `event`, from `seed` (a `StableID` given the rule id: one per rule, made once).
    func findingKey(seed: StableID, event: DetectionEvent) -> StableID {
        let window = event.timeMillis / windowMillis
        var id = seed
        if !fields.isEmpty {
            var key = ""
            for path in fields {
                let values = FieldMatcher.values(in: event, at: path)
                key += path.raw + "=" + values.map(\.description).joined(separator: ",") + "\u{1f}"
            }
            id.add("fields")
            id.add(key)
            id.add(decimal: window)
            return id
        }
        if FindingResource.addTarget(of: event, to: &id) {
            id.add(decimal: window)
            return id
        }
        id.add(event.eventKey)
        return id
    }

    /// `findingKey(seed:event:)` read from a flow record in place (no event made); nil when it needs the event
    /// (the rule names dedup fields, or the record names no instance or interface).
    func findingKey(seed: StableID, flow: FlowLogRecord, timeMillis: Int64) -> StableID? {
        guard fields.isEmpty else { return nil }
        var id = seed
        guard FindingResource.addTarget(of: flow, to: &id) else { return nil }
        id.add(decimal: timeMillis / windowMillis)
        return id
    }
}
