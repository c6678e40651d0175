import FirebreakTime
import Yams

/// A Sigma correlation rule (SigmaHQ "Correlation rules" specification 2.0): a meta-rule over the
/// matches of other rules, counted per group of field values within a sliding window of event time.
///
/// Supported: `event_count`, `value_count`, `temporal` and `temporal_ordered`; `group-by` (absent or
/// empty means one group); `aliases`; conditions `gt`, `gte` and `eq`. `lt`/`lte` are refused at load:
/// they describe the absence of events, which can only be decided when a window closes, and
/// `CorrelationEngine` decides as matches arrive.
public struct CorrelationRule: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case eventCount = "event_count"
        case valueCount = "value_count"
        case temporal
        case temporalOrdered = "temporal_ordered"
    }

    /// When a correlation fires: the window's count compared with `threshold`.
    public struct Condition: Sendable, Hashable, CustomStringConvertible {
        public enum Operator: String, Sendable, Hashable, CaseIterable {
            case gt, gte, eq
        }

        public var op: Operator
        public var threshold: Int

        public init(_ op: Operator, _ threshold: Int) {
            self.op = op
            self.threshold = threshold
        }

        /// The smallest count that satisfies the condition. Counts grow one match at a time, so on
        /// arrival `eq` fires exactly when `gte` would.
        public var firingCount: Int { op == .gt ? threshold + 1 : threshold }

        public var description: String { "\(op.rawValue) \(threshold)" }
    }

    /// The rule file this came from.
    public let source: String
    public let title: String
    /// Sigma `id` (optional in the specification; recommended).
    public let id: String?
    /// Sigma `name`, by which other correlations may refer to this one.
    public let name: String?
    public let status: String?
    public let description: String?
    /// Sigma `level`; nil when the rule leaves it out (an inner rule of a chain usually does).
    public let level: RuleLevel?
    public let tags: [String]
    public let kind: Kind
    /// Referenced rules, by id or name, in the order given (the order matters for `temporal_ordered`).
    public let rules: [String]
    /// Fields (or alias names) whose values make the group key; empty means one group for all events.
    public let groupBy: [FieldPath]
    /// `aliases`: alias name → referenced rule (name or id) → field read from that rule's events.
    public let aliases: [String: [String: FieldPath]]
    /// Window length in milliseconds.
    public let timespanMillis: Int64
    /// For `temporal` and `temporal_ordered` without a condition: all referenced rules (`gte` rules.count).
    public let condition: Condition
    /// `value_count`: the field whose distinct values are counted.
    public let valueField: FieldPath?
    /// Sigma `generate`: whether the referenced rules also report on their own (default false).
    public let generate: Bool

    /// The identifier findings use: `id`, else `name`, else the title.
    public var identifier: String { id ?? name ?? title }

    public init(source: String, title: String, id: String? = nil, name: String? = nil, status: String? = nil,
                description: String? = nil, level: RuleLevel? = nil, tags: [String] = [], kind: Kind,
                rules: [String], groupBy: [FieldPath] = [], aliases: [String: [String: FieldPath]] = [:],
                timespanMillis: Int64, condition: Condition? = nil, valueField: FieldPath? = nil,
                generate: Bool = false) {
        self.source = source
        self.title = title
        self.id = id
        self.name = name
        self.status = status
        self.description = description
        self.level = level
        self.tags = tags
        self.kind = kind
        self.rules = rules
        self.groupBy = groupBy
        self.aliases = aliases
        self.timespanMillis = timespanMillis
        self.condition = condition ?? Condition(.gte, rules.count)
        self.valueField = valueField
        self.generate = generate
    }

    /// Parses one YAML document that has a `correlation:` key.
    ///
    /// - Parameter source: the rule file, named in every error.
    public static func parse(_ node: Yams.Node, source: String) throws(RuleError) -> CorrelationRule {
        guard let top = node.mapping else {
            throw RuleError(.invalidRule, source: source, "a correlation rule must be a YAML mapping")
        }
        let id = top["id"]?.string
        let name = top["name"]?.string
        let title = top["title"]?.string
        let at = source + " (" + (title ?? id ?? name ?? "untitled") + ")"
        func fail(_ key: String, _ message: String, _ kind: RuleError.Kind = .invalidRule) -> RuleError {
            RuleError(kind, source: at, "\(key): \(message)")
        }

        guard let title, !title.isEmpty else { throw fail("title", "missing; every correlation rule needs a title") }
        guard let correlationNode = top["correlation"] else {
            throw fail("correlation", "missing; this is not a correlation rule")
        }
        guard let correlation = correlationNode.mapping else {
            throw fail("correlation", "must be a mapping with type, rules, group-by, timespan and condition")
        }

        // type
        guard let typeText = correlation["type"]?.string else {
            throw fail("correlation.type", "missing; use one of \(Self.kindList)")
        }
        guard let kind = Kind(rawValue: typeText) else {
            throw fail("correlation.type", "'\(typeText)' is not a correlation type; use one of \(Self.kindList)")
        }

        // rules
        let rules: [String]
        switch correlation["rules"] {
        case .some(.sequence(let seq)):
            var list: [String] = []
            for item in seq {
                guard let text = item.string, !text.isEmpty else {
                    throw fail("correlation.rules", "each entry must be a rule id or name")
                }
                list.append(text)
            }
            rules = list
        case .some(.scalar(let scalar)) where !scalar.string.isEmpty:
            rules = [scalar.string]
        default:
            throw fail("correlation.rules", "missing or empty; list the ids or names of the rules to correlate")
        }
        guard !rules.isEmpty else {
            throw fail("correlation.rules", "missing or empty; list the ids or names of the rules to correlate")
        }
        if kind == .temporal || kind == .temporalOrdered, rules.count < 2 {
            throw fail("correlation.rules", "\(kind.rawValue) needs at least two rules (it has \(rules.count))")
        }
        if Set(rules).count != rules.count {
            throw fail("correlation.rules", "a rule is listed twice")
        }

        // group-by
        var groupBy: [FieldPath] = []
        if let groupNode = correlation["group-by"], groupNode.null == nil {
            if case .sequence(let seq) = groupNode {
                for item in seq {
                    guard let text = item.string, !text.isEmpty else {
                        throw fail("correlation.group-by", "each entry must be a field name")
                    }
                    groupBy.append(FieldPath(text))
                }
            } else if let text = groupNode.string, !text.isEmpty, groupNode.mapping == nil {
                groupBy = [FieldPath(text)]
            } else {
                throw fail("correlation.group-by", "must be a list of field names")
            }
        }

        // aliases
        var aliases: [String: [String: FieldPath]] = [:]
        if let aliasNode = correlation["aliases"] {
            guard let aliasMap = aliasNode.mapping else {
                throw fail("correlation.aliases", "must map alias names to {rule name: field}")
            }
            for (key, value) in aliasMap {
                guard let alias = key.string, let perRule = value.mapping else {
                    throw fail("correlation.aliases", "must map alias names to {rule name: field}")
                }
                var fields: [String: FieldPath] = [:]
                for (ruleKey, fieldNode) in perRule {
                    guard let rule = ruleKey.string, let field = fieldNode.string, !field.isEmpty else {
                        throw fail("correlation.aliases.\(alias)", "must map rule names to field names")
                    }
                    guard rules.contains(rule) else {
                        throw fail("correlation.aliases.\(alias)", "'\(rule)' is not one of correlation.rules")
                    }
                    fields[rule] = FieldPath(field)
                }
                aliases[alias] = fields
            }
        }

        // timespan
        guard let timespanText = correlation["timespan"]?.string else {
            throw fail("correlation.timespan", "missing; give a number and a unit s, m, h or d (e.g. 5m)")
        }
        guard let timespanMillis = Self.parseTimespan(timespanText) else {
            throw fail("correlation.timespan",
                       "'\(timespanText)' is not a timespan; give a positive number and a unit s, m, h or d (e.g. 30s, 5m, 1h, 1d)")
        }

        // condition
        var condition: Condition?
        var valueField: FieldPath?
        if let conditionNode = correlation["condition"] {
            guard let conditionMap = conditionNode.mapping else {
                throw fail("correlation.condition", "must be a mapping such as {gte: 10}")
            }
            for (key, value) in conditionMap {
                guard let keyText = key.string else { throw fail("correlation.condition", "keys must be text") }
                switch keyText {
                case "field":
                    guard let field = value.string, !field.isEmpty else {
                        throw fail("correlation.condition.field", "must be a field name")
                    }
                    valueField = FieldPath(field)
                case "lt", "lte":
                    throw fail("correlation.condition.\(keyText)",
                               "is not supported: '\(keyText)' fires on the absence of events, which is known only when a window closes, and Firebreak evaluates correlations as matches arrive; use gt, gte or eq",
                               .unsupported)
                case "neq":
                    throw fail("correlation.condition.neq", "is not supported; use gt, gte or eq", .unsupported)
                default:
                    guard let op = Condition.Operator(rawValue: keyText) else {
                        throw fail("correlation.condition", "unknown key '\(keyText)'; use one of gt, gte, eq (and field for value_count)")
                    }
                    guard let threshold = value.int, threshold >= 0 else {
                        throw fail("correlation.condition.\(keyText)", "'\(value.string ?? "?")' is not a non-negative whole number")
                    }
                    guard condition == nil else {
                        throw fail("correlation.condition", "give exactly one of gt, gte, eq (ranges are not supported)")
                    }
                    condition = Condition(op, threshold)
                }
            }
            if condition == nil {
                throw fail("correlation.condition", "needs one of gt, gte or eq with a count (e.g. gte: 10)")
            }
        }
        switch kind {
        case .eventCount:
            guard condition != nil else { throw fail("correlation.condition", "missing; event_count needs e.g. {gte: 10}") }
            if valueField != nil { throw fail("correlation.condition.field", "only value_count counts a field") }
        case .valueCount:
            guard condition != nil else {
                throw fail("correlation.condition", "missing; value_count needs e.g. {field: dstport, gte: 20}")
            }
            guard valueField != nil else {
                throw fail("correlation.condition.field", "missing; value_count counts the distinct values of this field")
            }
        case .temporal, .temporalOrdered:
            if valueField != nil { throw fail("correlation.condition.field", "only value_count counts a field") }
            if let condition, condition.firingCount > rules.count {
                throw fail("correlation.condition",
                           "'\(condition)' can never hold: \(kind.rawValue) counts distinct rules and lists only \(rules.count)")
            }
        }
        if let condition, condition.firingCount < 1 {
            throw fail("correlation.condition", "'\(condition)' would fire without any match; use a count of at least 1")
        }

        // level, generate, tags
        var level: RuleLevel?
        if let levelNode = top["level"] {
            guard let text = levelNode.string, let parsed = RuleLevel(rawValue: text.lowercased()) else {
                throw fail("level", "'\(levelNode.string ?? "?")' is not one of \(RuleLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            level = parsed
        }
        var generate = false
        if let generateNode = correlation["generate"] {
            guard let flag = generateNode.bool else { throw fail("correlation.generate", "must be true or false") }
            generate = flag
        }
        var tags: [String] = []
        if let tagsNode = top["tags"] {
            guard case .sequence(let seq) = tagsNode else { throw fail("tags", "must be a list") }
            tags = seq.compactMap(\.string)
        }

        return CorrelationRule(source: source, title: title, id: id, name: name, status: top["status"]?.string,
                               description: top["description"]?.string, level: level, tags: tags, kind: kind,
                               rules: rules, groupBy: groupBy, aliases: aliases, timespanMillis: timespanMillis,
                               condition: condition, valueField: valueField, generate: generate)
    }

    /// `30s`, `5m`, `1h`, `1d` → milliseconds; nil when malformed, zero or absurdly long (> 10 years).
    public static func parseTimespan(_ text: String) -> Int64? {
        guard let seconds = DurationText.parse(text, unitRequired: true), seconds > 0, seconds <= 3650 * 86_400 else { return nil }
        return Int64(seconds) * 1000
    }

    private static var kindList: String { Kind.allCases.map(\.rawValue).joined(separator: ", ") }
}
