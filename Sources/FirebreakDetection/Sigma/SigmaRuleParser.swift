import Yams

extension SigmaRule {
    /// Parses one Sigma rule document (a YAML mapping) of the file `source`.
    ///
    /// `title` and `detection` (with a `condition`) are required; `level` must be a Sigma level.
    /// Keys Sigma does not define are ignored. The detection is checked for shape only;
    /// modifiers and conditions are checked when the rule is compiled (`RuleCompiler`).
    public static func parse(_ node: Yams.Node, source: String) throws(RuleError) -> SigmaRule {
        try SigmaRuleParser(source: source).parse(node)
    }
}

/// Reads a rule document; errors name the file, the rule and the key at fault.
struct SigmaRuleParser {
    var source: String

    func parse(_ node: Node) throws(RuleError) -> SigmaRule {
        guard case .mapping(let mapping) = node else {
            throw RuleError(.invalidRule, source: source, "a rule document must be a mapping, not \(Self.describe(node))")
        }
        var members: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                throw RuleError(.invalidRule, source: source, "top-level keys must be scalars")
            }
            members[name] = value
        }
        guard let titleNode = members["title"] else {
            throw RuleError(.invalidRule, source: source, "the rule has no 'title'")
        }
        let title = try string(titleNode, key: "title", rule: nil)
        let id = try members["id"].map { node throws(RuleError) in try string(node, key: "id", rule: title) }
        let ruleSource = "\(source) (\(id ?? title))"
        func text(_ key: String) throws(RuleError) -> String? {
            guard let node = members[key] else { return nil }
            if case .scalar(let s) = node, s.style == .plain, node.tag.rawValue == Tag.Name.null.rawValue { return nil }
            return try string(node, key: key, rule: ruleSource)
        }
        func list(_ key: String) throws(RuleError) -> [String] {
            guard let node = members[key] else { return [] }
            switch node {
            case .sequence(let sequence):
                var out: [String] = []
                for element in sequence { out.append(try string(element, key: key, rule: ruleSource)) }
                return out
            case .scalar(let s) where s.style == .plain && node.tag.rawValue == Tag.Name.null.rawValue:
                return []
            case .scalar:
                return [try string(node, key: key, rule: ruleSource)]
            default:
                throw RuleError(.invalidRule, source: ruleSource, "'\(key)' must be a list of strings")
            }
        }

        var level: RuleLevel?
        if let raw = try text("level") {
            guard let parsed = RuleLevel(rawValue: raw.lowercased()) else {
                throw RuleError(.invalidRule, source: ruleSource,
                                "'level: \(raw)' is not one of \(RuleLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            level = parsed
        }

        var logsource = LogSource()
        if let node = members["logsource"] {
            guard case .mapping(let ls) = node else {
                throw RuleError(.invalidRule, source: ruleSource, "'logsource' must be a mapping")
            }
            var values: [String: String] = [:]
            for (key, value) in ls {
                guard let k = key.scalar?.string else { continue }
                values[k] = try string(value, key: "logsource.\(k)", rule: ruleSource)
            }
            logsource = LogSource(product: values["product"], service: values["service"], category: values["category"])
        }

        guard let detectionNode = members["detection"] else {
            throw RuleError(.invalidRule, source: ruleSource, "the rule has no 'detection'")
        }
        let detection = try parseDetection(detectionNode, rule: ruleSource)

        var rule = SigmaRule(title: title, id: id, name: try text("name"), status: try text("status"), level: level,
                             description: try text("description"), author: try text("author"), date: try text("date"),
                             modified: try text("modified"), references: try list("references"), tags: try list("tags"),
                             logsource: logsource, detection: detection, falsepositives: try list("falsepositives"),
                             fields: try list("fields"), source: source)
        if let node = members["firebreak"] { rule.dedup = try parseFirebreak(node, rule: ruleSource) }
        return rule
    }

    /// `firebreak: {dedup: {fields: [a, b], window: 10m}}`; nothing else is defined under `firebreak`.
    private func parseFirebreak(_ node: Node, rule: String) throws(RuleError) -> SigmaRule.Dedup? {
        guard case .mapping(let mapping) = node else {
            throw RuleError(.invalidRule, source: rule, "'firebreak' must be a mapping (`firebreak: {dedup: {...}}`)")
        }
        var dedup: SigmaRule.Dedup?
        for (key, value) in mapping {
            guard key.scalar?.string == "dedup" else {
                throw RuleError(.invalidRule, source: rule, "unknown key 'firebreak.\(key.scalar?.string ?? "?")' (expected dedup)")
            }
            guard case .mapping(let settings) = value else {
                throw RuleError(.invalidRule, source: rule, "'firebreak.dedup' must be a mapping of fields and window")
            }
            var parsed = SigmaRule.Dedup()
            for (name, setting) in settings {
                switch name.scalar?.string {
                case "fields":
                    guard case .sequence(let list) = setting, !list.isEmpty else {
                        throw RuleError(.invalidRule, source: rule, "'firebreak.dedup.fields' must be a non-empty list of field names")
                    }
                    var fields: [String] = []
                    for element in list { fields.append(try string(element, key: "firebreak.dedup.fields", rule: rule)) }
                    parsed.fields = fields
                case "window":
                    let text = try string(setting, key: "firebreak.dedup.window", rule: rule)
                    guard let millis = CorrelationRule.parseTimespan(text) else {
                        throw RuleError(.invalidRule, source: rule, "'firebreak.dedup.window: \(text)' is not a duration like 30s, 10m, 1h or 1d")
                    }
                    parsed.windowMillis = millis
                default:
                    throw RuleError(.invalidRule, source: rule,
                                    "unknown key 'firebreak.dedup.\(name.scalar?.string ?? "?")' (expected fields, window)")
                }
            }
            dedup = parsed
        }
        return dedup
    }

    private func parseDetection(_ node: Node, rule: String) throws(RuleError) -> SigmaDetection {
        guard case .mapping(let mapping) = node else {
            throw RuleError(.invalidRule, source: rule, "'detection' must be a mapping of selections and a condition")
        }
        var names: [String] = []
        var selections: [String: SigmaSelection] = [:]
        var conditions: [String] = []
        var timeframe: String?
        var sawCondition = false
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                throw RuleError(.invalidRule, source: rule, "detection keys must be scalars")
            }
            switch name {
            case "condition":
                sawCondition = true
                switch value {
                case .sequence(let sequence):
                    for element in sequence { conditions.append(try string(element, key: "detection.condition", rule: rule)) }
                default:
                    conditions.append(try string(value, key: "detection.condition", rule: rule))
                }
            case "timeframe":
                timeframe = try string(value, key: "detection.timeframe", rule: rule)
            default:
                if selections[name] != nil {
                    throw RuleError(.invalidRule, source: rule, "selection '\(name)' is defined twice")
                }
                names.append(name)
                selections[name] = try parseSelection(value, name: name, rule: rule)
            }
        }
        guard sawCondition, !conditions.isEmpty else {
            throw RuleError(.invalidRule, source: rule, "'detection' has no 'condition'")
        }
        return SigmaDetection(selectionNames: names, selections: selections, conditions: conditions, timeframe: timeframe)
    }

    private func parseSelection(_ node: Node, name: String, rule: String) throws(RuleError) -> SigmaSelection {
        switch node {
        case .mapping(let mapping):
            return .maps([try parseMap(mapping, selection: name, rule: rule)])
        case .sequence(let sequence):
            var maps: [[SigmaFieldItem]] = []
            var keywords: [SigmaScalar] = []
            for element in sequence {
                switch element {
                case .mapping(let mapping): maps.append(try parseMap(mapping, selection: name, rule: rule))
                case .scalar: keywords.append(try scalar(element, at: "selection '\(name)'", rule: rule))
                default:
                    throw RuleError(.invalidRule, source: rule,
                                    "selection '\(name)': a list must hold maps of fields or keyword values, not \(Self.describe(element))")
                }
            }
            if !maps.isEmpty && !keywords.isEmpty {
                throw RuleError(.unsupported, source: rule,
                                "selection '\(name)' mixes field maps and keywords in one list; split it into two selections")
            }
            if maps.isEmpty && keywords.isEmpty {
                throw RuleError(.invalidRule, source: rule, "selection '\(name)' is an empty list")
            }
            return maps.isEmpty ? .keywords(keywords) : .maps(maps)
        case .scalar:
            return .keywords([try scalar(node, at: "selection '\(name)'", rule: rule)])
        case .alias:
            throw RuleError(.unsupported, source: rule, "selection '\(name)' uses a YAML alias")
        }
    }

    private func parseMap(_ mapping: Node.Mapping, selection: String, rule: String) throws(RuleError) -> [SigmaFieldItem] {
        var items: [SigmaFieldItem] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string else {
                throw RuleError(.invalidRule, source: rule, "selection '\(selection)': field names must be scalars")
            }
            let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let at = "selection '\(selection)', field '\(key)'"
            var values: [SigmaScalar] = []
            switch valueNode {
            case .sequence(let sequence):
                for element in sequence { values.append(try scalar(element, at: at, rule: rule)) }
                if values.isEmpty {
                    throw RuleError(.invalidRule, source: rule, "\(at): empty list of values")
                }
            default:
                values.append(try scalar(valueNode, at: at, rule: rule))
            }
            items.append(SigmaFieldItem(key: key, field: parts[0], modifiers: Array(parts.dropFirst()), values: values))
        }
        if items.isEmpty {
            throw RuleError(.invalidRule, source: rule, "selection '\(selection)' is an empty map")
        }
        return items
    }

    private func scalar(_ node: Node, at: String, rule: String) throws(RuleError) -> SigmaScalar {
        guard case .scalar(let s) = node else {
            throw RuleError(.invalidRule, source: rule, "\(at): expected a value, found \(Self.describe(node))")
        }
        guard s.style == .plain || s.style == .any else { return .string(s.string) }
        switch Tag.Name(rawValue: node.tag.rawValue) {
        case .null: return .null
        case .bool: return node.bool.map(SigmaScalar.bool) ?? .string(s.string)
        case .int:
            if let i = Int64(s.string) { return .int(i) }
            if let i = node.int { return .int(Int64(i)) }
            return .string(s.string)
        case .float:
            if let d = Double(s.string) { return .double(d) }
            return node.float.map(SigmaScalar.double) ?? .string(s.string)
        default:
            return .string(s.string)
        }
    }

    private func string(_ node: Node, key: String, rule: String?) throws(RuleError) -> String {
        guard case .scalar(let s) = node else {
            throw RuleError(.invalidRule, source: rule ?? source, "'\(key)' must be a string, not \(Self.describe(node))")
        }
        return s.string
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return "the value '\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
