/// A Sigma rule compiled for matching (see `RuleCompiler`). Immutable and cheap to share across threads.
public struct CompiledRule: Sendable {
    public let rule: SigmaRule
    let matcher: Matcher
    /// Cheap necessary conditions (e.g. `eventName` equality) checked before `matcher`.
    let guards: [FieldMatcher]
    /// Every field the detection names, in order of first mention.
    let fieldPaths: [FieldPath]

    init(rule: SigmaRule, matcher: Matcher, guards: [FieldMatcher], fieldPaths: [FieldPath]) {
        self.rule = rule
        self.matcher = matcher
        self.guards = guards
        self.fieldPaths = fieldPaths
    }

    /// True when the event satisfies the rule's detection. The rule's `logsource` is not checked
    /// here: callers pick the rules whose `logsource` covers the event (`LogSource.covers`).
    @inline(__always)
    public func matches(_ event: DetectionEvent) -> Bool {
        for guardMatcher in guards where !guardMatcher.matches(event) { return false }
        return matcher.matches(event)
    }

    /// The values of the fields the detection names, read from a matching event (for the finding).
    /// Fields absent from the event are left out; list fields give one value per element.
    public func matchedFields(_ event: DetectionEvent) -> [String: [FieldValue]] {
        var out: [String: [FieldValue]] = [:]
        let reader = FieldMatcher(key: "", path: FieldPath(""), mode: .exists(true))
        for path in fieldPaths {
            let values = reader.values(in: event, at: path)
            if !values.isEmpty { out[path.raw] = values }
        }
        return out
    }
}
