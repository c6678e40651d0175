import FirebreakDetection
import FirebreakLogs

/// What a step's payload is made from at plan time: the step with its options, the finding, the playbook and
/// the response mode.
struct StepPlan: Sendable {
    var step: PlaybookStep
    var finding: Finding
    var playbook: Playbook
    var mode: ResponseMode
    /// `protected.ids`, for the alert text.
    var protectedIDs: Set<String>

    /// An option with `{finding_id}`, `{rule_id}`, `{rule_title}`, `{level}`, `{playbook}` and `{resource_id}`
    /// filled in; nil when the step does not give it.
    func option(_ name: String) -> String? {
        step.options[name].map(fill)
    }

    /// `text` with each known `{name}` replaced by its value in one pass (unknown names are kept as written); the
    /// finding's resource is read only when `{resource_id}` is there.
    func fill(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "{")) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 32)
        var rest = text[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = rest[rest.index(after: open)..<close]
            if let value = value(of: name) {
                out += value
                rest = rest[rest.index(after: close)...]
            } else {   // not a placeholder: keep the brace and look again after it
                out += "{"
                rest = rest[rest.index(after: open)...]
            }
        }
        out += rest
        return out
    }

    private func value(of name: Substring) -> String? {
        switch name {
        case "finding_id": return finding.id
        case "rule_id": return finding.ruleID
        case "rule_title": return finding.ruleTitle
        case "level": return finding.level.rawValue
        case "playbook": return playbook.name
        case "resource_id": return finding.resource.id ?? ""
        default: return nil
        }
    }

    /// True when an earlier step of the same playbook is of `kind`.
    func isPreceded(by kind: StepKind) -> Bool {
        guard let position = playbook.steps.firstIndex(of: step) else { return false }
        return playbook.steps[..<position].contains { $0.kind == kind }
    }
}
