/// One statement of an IAM policy document, read literally.
struct PolicyStatement: Sendable {
    var effect: String
    var actions: [String]
    var notActions: [String]
    var hasNotAction: Bool
    var resources: [String]
    var hasNotResource: Bool
    /// Literal principals: `*` for `Principal: "*"`, else the values of `AWS`, `Service`, `Federated`, ...
    var principals: [String]
    var hasCondition: Bool
    var line: Int

    var isAllow: Bool { effect == "Allow" }
    var hasWildcardPrincipal: Bool { principals.contains("*") }

    init(_ value: TemplateValue) {
        let map = value.map ?? TemplateMap()
        effect = CheckValues.literal(map["Effect"]) ?? ""
        actions = CheckValues.strings(map["Action"])
        notActions = CheckValues.strings(map["NotAction"])
        hasNotAction = map["NotAction"] != nil
        resources = CheckValues.strings(map["Resource"])
        hasNotResource = map["NotResource"] != nil
        hasCondition = CheckValues.present(map["Condition"])
        line = map.entries.first?.line ?? 0
        switch map["Principal"] {
        case .map(let principal)?: principals = principal.entries.flatMap { CheckValues.strings($0.value) }
        case let other?: principals = CheckValues.strings(other)
        case nil: principals = []
        }
    }
}

/// Policy documents of IAM and resource-policy resources.
enum PolicyDocuments {
    static func statements(_ document: TemplateValue?) -> [PolicyStatement] {
        switch document?["Statement"] {
        case .list(let items)?: return items.map(PolicyStatement.init)
        case .map(let map)?: return [PolicyStatement(.map(map))]
        default: return []
        }
    }

    /// The identity-based (permission) policy documents a resource defines, with their lines.
    static func permissionDocuments(of resource: TemplateResource) -> [(document: TemplateValue, line: Int)] {
        let properties = resource.properties
        switch resource.type {
        case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group":
            return (properties["Policies"]?.list ?? []).compactMap { policy in
                policy["PolicyDocument"].map { ($0, CheckValues.line(of: policy)) }
            }
        case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
            return properties["PolicyDocument"].map { [($0, properties.line(of: "PolicyDocument") ?? 0)] } ?? []
        default:
            return []
        }
    }

    static let permissionTypes: Set<String> = [
        "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
    ]

    /// Allow statements of all permission documents of a resource.
    static func allowStatements(of resource: TemplateResource) -> [PolicyStatement] {
        permissionDocuments(of: resource).flatMap { statements($0.document) }.filter(\.isAllow)
    }

    static func line(_ statement: PolicyStatement, fallback: Int) -> Int { statement.line > 0 ? statement.line : fallback }
}
