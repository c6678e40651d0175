import FirebreakLogs

/// A Sigma rule compiled for matching (see `RuleCompiler`). Immutable and cheap to share across threads.
public struct CompiledRule: Sendable {
    /// Everything in one shared object, so copying a compiled rule is one reference.
    let program: Program

    public var rule: SigmaRule { program.rule }
    var fieldPaths: [FieldPath] { program.fieldPaths }

    init(rule: SigmaRule, matcher: Matcher, prefilters: [FieldMatcher], fieldPaths: [FieldPath]) {
        program = Program(rule: rule, matcher: matcher, prefilters: prefilters, fieldPaths: fieldPaths)
    }

    /// True when the event satisfies the rule's detection. The rule's `logsource` is not checked
    /// here: callers pick the rules whose `logsource` covers the event (`LogSource.covers`).
    @inline(__always)
    public func matches(_ event: DetectionEvent) -> Bool {
        program.matches(event)
    }

    /// The positions in `rules` of the rules that match `event`, in order.
    ///
    /// The same as calling `matches` on each rule, but the event is unwrapped once for all of
    /// them rather than once per rule, which for CloudTrail is most of the cost of a rule that
    /// rejects the event: prefer this when running many rules over one event.
    public static func matchingIndices(_ rules: [CompiledRule], _ event: DetectionEvent) -> [Int] {
        var out: [Int] = []
        forEachMatch(rules, event) { out.append($0) }
        return out
    }

    /// Calls `body` with the position in `rules` of each rule that matches `event`, in order
    /// (`matchingIndices` without building the array: nothing is allocated per event).
    @inline(__always)
    static func forEachMatch(_ rules: [CompiledRule], _ event: DetectionEvent, _ body: (Int) -> Void) {
        switch event.storage.decoded.event {
        case .cloudTrail(let record):
            let tape = TapeRecord(record)
            var i = 0
            while i < rules.count {
                if Unmanaged.passUnretained(rules[i].program)._withUnsafeGuaranteedRef({ $0.matches(tape: tape, event) }) {
                    body(i)
                }
                i += 1
            }
        case .json(let value): matching(rules, json: value, event, body)
        case .dnsQuery(let record): matching(rules, json: record.fields, event, body)
        case .guardDuty(let finding): matching(rules, json: finding.finding, event, body)
        case .flow(let flow):
            var i = 0
            while i < rules.count {
                if Unmanaged.passUnretained(rules[i].program)._withUnsafeGuaranteedRef({ $0.matches(flow: flow, FlowSubject(event)) }) {
                    body(i)
                }
                i += 1
            }
        case .text, .alb, .s3Access, .cloudFront:
            for (i, rule) in rules.enumerated() where rule.matches(event) { body(i) }
        }
    }

    @inline(__always)
    private static func matching(_ rules: [CompiledRule], json root: JSONValue, _ event: DetectionEvent, _ body: (Int) -> Void) {
        var i = 0
        while i < rules.count {
            if Unmanaged.passUnretained(rules[i].program)._withUnsafeGuaranteedRef({ $0.matches(json: root, event) }) {
                body(i)
            }
            i += 1
        }
    }

    /// The values of the fields the detection names, read from a matching event (for the finding).
    /// Fields absent from the event are left out; list fields give one value per element.
    public func matchedFields(_ event: DetectionEvent) -> [String: [FieldValue]] {
        var out: [String: [FieldValue]] = [:]
        for path in fieldPaths {
            let values = FieldMatcher.values(in: event, at: path)
            if !values.isEmpty { out[path.raw] = values }
        }
        return out
    }
}

extension CompiledRule {
    final class Program: Sendable {
        let rule: SigmaRule
        /// What every finding of the rule repeats, read once: its id (else title), title, level and tags.
        let ruleID: String
        let ruleTitle: String
        let level: RuleLevel
        let tags: [String]
        /// Every field the detection names, in order of first mention.
        let fieldPaths: [FieldPath]
        /// The detection as compiled.
        let matcher: Matcher
        /// What runs after the prefilters passed: the detection with the very items the prefilters tested taken as
        /// true (an `eventName` or `eventSource` item is not read twice).
        let root: MatchNode
        private let rootRef: Unmanaged<MatchNode>
        private let equalityPrefilters: [EqualityPrefilter]
        private let prefilterRefs: [Unmanaged<EqualityPrefilter>]

        init(rule: SigmaRule, matcher: Matcher, prefilters: [FieldMatcher], fieldPaths: [FieldPath]) {
            self.rule = rule
            ruleID = rule.id ?? rule.title
            ruleTitle = rule.title
            level = rule.level ?? .medium
            tags = rule.tags
            self.fieldPaths = fieldPaths
            self.matcher = matcher
            root = MatchNode(matcher.substituting { field in prefilters.contains { $0 === field } ? true : nil })
            rootRef = Unmanaged.passUnretained(root)
            equalityPrefilters = prefilters.map { EqualityPrefilter($0, hint: FieldMatcher.cloudTrailOrder[$0.path.raw] ?? Int.max) }
            prefilterRefs = equalityPrefilters.map { Unmanaged.passUnretained($0) }
        }

        /// The equality prefilter on the top-level field `key`, if the rule has one.
        func equalityPrefilter(on key: String) -> EqualityPrefilter? {
            equalityPrefilters.first { $0.key == key }
        }

        func matches(_ event: borrowing DetectionEvent) -> Bool {
            switch event.storage.decoded.event {
            case .cloudTrail(let record): return matches(tape: TapeRecord(record), event)
            case .json(let value): return matches(json: value, event)
            case .dnsQuery(let record): return matches(json: record.fields, event)
            case .guardDuty(let finding): return matches(json: finding.finding, event)
            case .flow(let flow): return matches(flow: flow, FlowSubject(copy event))
            case .text, .alb, .s3Access, .cloudFront:
                return equalityPrefilters.allSatisfy { $0.matches(generic: event) } && root.matches(generic: event)
            }
        }

        func matches(flow: FlowLogRecord, _ subject: FlowSubject) -> Bool {
            var i = 0
            while i < prefilterRefs.count {
                if !prefilterRefs[i]._withUnsafeGuaranteedRef({ $0.matches(flow: flow, subject) }) { return false }
                i += 1
            }
            return rootRef._withUnsafeGuaranteedRef { $0.matches(flow: flow, subject) }
        }

        /// The top-level keys the detection and its prefilters read (first path components).
        var recordKeys: Set<String> {
            root.recordKeys.union(equalityPrefilters.map(\.key))
        }

        func matches(tape record: TapeRecord, _ event: DetectionEvent) -> Bool {
            var i = 0
            while i < prefilterRefs.count {
                if !prefilterRefs[i]._withUnsafeGuaranteedRef({ $0.matches(tape: record, event) }) { return false }
                i += 1
            }
            return rootRef._withUnsafeGuaranteedRef { $0.matches(tape: record, event) }
        }

        func matches(json root: JSONValue, _ event: DetectionEvent) -> Bool {
            var i = 0
            while i < prefilterRefs.count {
                if !prefilterRefs[i]._withUnsafeGuaranteedRef({ $0.matches(json: root, event) }) { return false }
                i += 1
            }
            return rootRef._withUnsafeGuaranteedRef { $0.matches(json: root, event) }
        }
    }
}
