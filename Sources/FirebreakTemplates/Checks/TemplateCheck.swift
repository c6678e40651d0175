/// A security check of a CloudFormation template.
public protocol TemplateCheck: Sendable {
    var definition: CheckDefinition { get }
    /// Findings on `template`; `parameters` are values given for its parameters (they win over `Default`s).
    func evaluate(_ template: Template, configuration: CheckConfiguration, parameters: [String: String]) -> [TemplateFinding]
}

extension TemplateCheck {
    /// Findings with every parameter at its `Default`.
    public func evaluate(_ template: Template, configuration: CheckConfiguration) -> [TemplateFinding] {
        evaluate(template, configuration: configuration, parameters: [:])
    }
}

/// One violation found by a resource rule on one (branch-resolved) variant of a resource.
struct Violation: Sendable {
    var message: String
    var line: Int?

    init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }
}

/// What a rule sees besides the resource: the whole template, the configuration, and the resolver
/// that gives parameters their values.
struct CheckContext: Sendable {
    let template: Template
    let configuration: CheckConfiguration
    let resolver: TemplateResolver
    let resources: [TemplateResource]
    /// Each resource's branch-resolved variants, computed once for all checks (by logical id).
    let variants: [String: [(label: String?, resource: TemplateResource)]]
    /// Security groups attached to private resources (group logical id → resource), for FB-POL-004.
    let privateSecurityGroups: [String: String]

    init(template: Template, configuration: CheckConfiguration, parameters: [String: String] = [:]) {
        self.template = template
        self.configuration = configuration
        let resolver = TemplateResolver(template: template, parameters: parameters)
        self.resolver = resolver
        self.resources = template.resources
        var variants: [String: [(label: String?, resource: TemplateResource)]] = [:]
        for resource in resources { variants[resource.logicalID] = CheckValues.variants(of: resource, resolver: resolver) }
        self.variants = variants
        self.privateSecurityGroups = PolicyChecks.privateSecurityGroups(in: resources)
    }

    func resource(_ logicalID: String) -> TemplateResource? { resources.first { $0.logicalID == logicalID } }
    func resources(ofType type: String) -> [TemplateResource] { resources.filter { $0.type == type } }
}

/// A check that looks at the resources of some types one at a time. `Fn::If` in the properties is
/// expanded into its branches, and each branch is resolved (`Ref` to parameters, `Fn::FindInMap`, pseudo
/// parameters, `Fn::Sub`/`Fn::Join` of known parts); a violation that holds on some branches only carries
/// their labels.
struct ResourceRule: TemplateCheck {
    let definition: CheckDefinition
    /// Resource types the rule applies to; empty for all.
    let types: Set<String>
    let body: @Sendable (TemplateResource, CheckContext) -> [Violation]

    init(_ definition: CheckDefinition, types: Set<String>,
         body: @escaping @Sendable (TemplateResource, CheckContext) -> [Violation]) {
        self.definition = definition
        self.types = types
        self.body = body
    }

    func evaluate(_ template: Template, configuration: CheckConfiguration, parameters: [String: String]) -> [TemplateFinding] {
        evaluate(in: CheckContext(template: template, configuration: configuration, parameters: parameters))
    }

    /// Findings with the context (and its resolved variants) shared with the other rules.
    func evaluate(in context: CheckContext) -> [TemplateFinding] {
        let template = context.template
        let level = context.configuration.level(for: definition)
        var findings: [TemplateFinding] = []
        for resource in context.resources where types.isEmpty || types.contains(resource.type) {
            let variants = context.variants[resource.logicalID] ?? [(nil, resource)]
            var order: [String] = []
            var hits: [String: (line: Int, labels: [String])] = [:]
            for variant in variants {
                for violation in body(variant.resource, context) {
                    if hits[violation.message] == nil {
                        order.append(violation.message)
                        hits[violation.message] = (violation.line ?? resource.line, [])
                    }
                    if let label = variant.label, hits[violation.message]?.labels.contains(label) == false {
                        hits[violation.message]?.labels.append(label)
                    }
                }
            }
            for message in order {
                guard let hit = hits[message] else { continue }
                let branch = hit.labels.count == variants.count || hit.labels.isEmpty
                    ? nil : hit.labels.joined(separator: " | ")
                findings.append(TemplateFinding(
                    checkID: definition.id, level: level, title: definition.title, message: message,
                    path: template.path, logicalID: resource.logicalID, resourceType: resource.type,
                    line: hit.line > 0 ? hit.line : resource.line, branch: branch, fix: definition.fix))
            }
        }
        return findings
    }
}
