/// Suppressions written in a template:
/// `Metadata: {firebreak: {skip: [{id: FB-NET-001, reason: "..."}]}}` on a resource.
public struct TemplateSuppression: Sendable, Hashable {
    public var logicalID: String
    public var checkID: String
    public var reason: String?
    public var line: Int
}

enum Suppressions {
    /// Every skip entry of every resource (with or without a reason).
    static func entries(in template: Template) -> [TemplateSuppression] {
        template.resources.flatMap { resource -> [TemplateSuppression] in
            guard let skip = resource.metadata?["firebreak"]?["skip"] else { return [] }
            let items = skip.list ?? [skip]
            return items.compactMap { item in
                guard let id = CheckValues.literal(item["id"]) else { return nil }
                let reason = CheckValues.literal(item["reason"])?.trimmingWhitespace
                let line = CheckValues.line(of: item)
                return TemplateSuppression(logicalID: resource.logicalID, checkID: id,
                                           reason: reason?.isEmpty == false ? reason : nil,
                                           line: line > 0 ? line : resource.line)
            }
        }
    }

    /// Marks the findings a skip with a reason covers (`suppressedBy: "template: <reason>"`).
    static func apply(_ findings: [TemplateFinding], template: Template) -> [TemplateFinding] {
        let skips = entries(in: template).filter { $0.reason != nil }
        return findings.map { finding in
            var finding = finding
            if finding.suppressedBy == nil, finding.checkID != missingReason.definition.id,
               let skip = skips.first(where: { $0.logicalID == finding.logicalID && ($0.checkID == finding.checkID || $0.checkID == "*") }) {
                finding.suppressedBy = "template: \(skip.reason ?? "")"
            }
            return finding
        }
    }

    static let missingReason = SkipWithoutReasonCheck()
}

/// `FB-META-001`: a template skip without a reason (it is then not applied).
struct SkipWithoutReasonCheck: TemplateCheck {
    let definition = CheckDefinition(
        id: "FB-META-001", title: "Suppression without a reason", level: .error,
        description: "A Metadata.firebreak.skip entry has no reason; it is not applied.",
        fix: "Add `reason: \"...\"` explaining why the finding is accepted.")

    func evaluate(_ template: Template, configuration: CheckConfiguration, parameters: [String: String]) -> [TemplateFinding] {
        let types = Dictionary(template.resources.map { ($0.logicalID, $0.type) }, uniquingKeysWith: { a, _ in a })
        return Suppressions.entries(in: template).filter { $0.reason == nil }.map { skip in
            TemplateFinding(checkID: definition.id, level: configuration.level(for: definition), title: definition.title,
                            message: "skip of \(skip.checkID) has no reason and is ignored", path: template.path,
                            logicalID: skip.logicalID, resourceType: types[skip.logicalID] ?? "", line: skip.line,
                            fix: definition.fix)
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
