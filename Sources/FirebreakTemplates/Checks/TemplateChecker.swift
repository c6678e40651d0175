/// Runs the enabled checks over a template and applies suppressions.
public enum TemplateChecker {
    /// Findings of all enabled checks, in check order, with `suppressedBy` set by template skips
    /// (with a reason) and by the exceptions file. Suppressed findings are kept (reporters show or count them).
    /// `parameters` are values for the template's parameters (as `--parameter` gives them); the others
    /// take their `Default`.
    public static func check(_ template: Template, configuration: CheckConfiguration = .default,
                             exceptions: ExceptionsFile = .empty, parameters: [String: String] = [:]) -> [TemplateFinding] {
        var findings: [TemplateFinding] = []
        // Resource rules share one context: each resource is branch-expanded and resolved once.
        let context = CheckContext(template: template, configuration: configuration, parameters: parameters)
        for check in CheckRegistry.all where configuration.isEnabled(check.definition.id) {
            if let rule = check as? ResourceRule {
                findings += rule.evaluate(in: context)
            } else {
                findings += check.evaluate(template, configuration: configuration, parameters: parameters)
            }
        }
        return exceptions.apply(Suppressions.apply(findings, template: template))
    }

    /// The `Metadata.firebreak.skip` entries of a template (those without a reason are not applied).
    public static func suppressions(in template: Template) -> [TemplateSuppression] { Suppressions.entries(in: template) }
}
