import FirebreakDetection
import FirebreakLogs

/// What a step's payload is made from at plan time: the step with its options, the finding, the playbook and
/// the response mode.
struct StepPlan: Sendable {
    var step: PlaybookStep
    var finding: Finding
    /// The finding as JSON (rendered once per finding; `.null` for steps that do not ask for it).
    var findingJSON: JSONValue
    var playbook: Playbook
    var mode: ResponseMode
    /// `protected.ids`, for the alert text.
    var protectedIDs: Set<String>

    /// An option with `{finding_id}`, `{rule_id}`, `{rule_title}`, `{level}`, `{playbook}` and `{resource_id}`
    /// filled in; nil when the step does not give it.
    func option(_ name: String) -> String? {
        step.options[name].map(fill)
    }

    func fill(_ text: String) -> String {
        guard text.contains("{") else { return text }
        let values = ["finding_id": finding.id, "rule_id": finding.ruleID, "rule_title": finding.ruleTitle,
                      "level": finding.level.rawValue, "playbook": playbook.name, "resource_id": finding.resource.id ?? ""]
        var out = text
        for (name, value) in values { out = out.replacingOccurrences(of: "{\(name)}", with: value) }
        return out
    }

    /// True when an earlier step of the same playbook is of `kind`.
    func isPreceded(by kind: StepKind) -> Bool {
        guard let position = playbook.steps.firstIndex(of: step) else { return false }
        return playbook.steps[..<position].contains { $0.kind == kind }
    }
}
