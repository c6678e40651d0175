import FirebreakDetection

/// `sigma`: the bytes (as UTF-8, lossily) are a rule file: YAML documents, each a Sigma rule or correlation.
/// `RuleFileLoader.load(yaml:source:)` parses them into `SigmaRule`s; each rule's conditions go through
/// `SigmaCondition.parse` and the rule through `RuleCompiler` (modifiers, values, placeholders). The whole
/// text is also parsed as one condition over a fixed set of selection names.
enum SigmaRuleTarget {
    static let compiler = RuleCompiler()
    static let selections = ["selection", "selection_1", "selection_2", "filter", "filter_main", "keywords"]

    static func run(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        let loaded = RuleFileLoader.load(yaml: text, source: "fuzz.yml")
        for rule in loaded.rules {
            for condition in rule.detection.conditions {
                _ = try? SigmaCondition.parse(condition, selections: rule.detection.selectionNames, source: "fuzz.yml")
            }
            _ = try? compiler.compile(rule)
        }
        for problem in loaded.problems { _ = problem.description }
        if let condition = try? SigmaCondition.parse(text, selections: selections, source: "fuzz") {
            _ = condition.description
            _ = condition.selectionNames
        }
    }
}
