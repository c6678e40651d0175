/// Organisation policies, configurable in `config/checks.yaml` (the six checks of aws-cf-checker):
/// logical id case, resource type lists, public rules on private resources, inline policies,
/// IAM action and resource lists, managed policy ARN lists. With the default configuration only
/// the logical id case check (PascalCase) and the private-resource check report anything.
enum PolicyChecks {
    static let all: [any TemplateCheck] = [
        logicalIDCase, resourceTypeAllowList, resourceTypeDenyList, publicIngressOnPrivateResource, inlinePolicies,
        actionLists, policyResourceLists, managedPolicyLists,
    ]

    static func matchesAny(_ patterns: [String], _ value: String) -> Bool {
        patterns.contains { CheckValues.glob($0.lowercased(), matches: value.lowercased(), pathAware: false) }
    }

    static let logicalIDCase = ResourceRule(CheckDefinition(
        id: "FB-POL-001", title: "Logical id does not follow the naming case", level: .warning,
        description: "A resource's logical id is not in the case of logical_id_case (pascal: starts with an upper-case letter; camel: lower-case).",
        fix: "Rename the resource (mind references and replacement of the physical resource)."), types: []) { resource, context in
        guard let first = resource.logicalID.first else { return [] }
        switch context.configuration.logicalIDCase {
        case .any: return []
        case .pascal: return first.isUppercase ? [] : [Violation("\(resource.logicalID) is not PascalCase")]
        case .camel: return first.isLowercase ? [] : [Violation("\(resource.logicalID) is not camelCase")]
        }
    }

    static let resourceTypeAllowList = ResourceRule(CheckDefinition(
        id: "FB-POL-002", title: "Resource type not in the allowed list", level: .error,
        description: "allowed_resource_types is set and the resource's type matches none of its patterns.",
        fix: "Use an allowed resource type, or extend allowed_resource_types."), types: []) { resource, context in
        let allowed = context.configuration.allowedResourceTypes
        guard !allowed.isEmpty, !resource.type.isEmpty, !matchesAny(allowed, resource.type) else { return [] }
        return [Violation("\(resource.type) is not an allowed resource type")]
    }

    static let resourceTypeDenyList = ResourceRule(CheckDefinition(
        id: "FB-POL-003", title: "Resource type in the denied list", level: .error,
        description: "The resource's type matches a pattern of denied_resource_types.",
        fix: "Remove the resource or use an approved alternative."), types: []) { resource, context in
        matchesAny(context.configuration.deniedResourceTypes, resource.type) ? [Violation("\(resource.type) is a denied resource type")] : []
    }

    /// Security groups (logical ids) attached to resources meant to be private: RDS instances not
    /// publicly accessible, RDS clusters, ElastiCache clusters and replication groups, EFS mount targets.
    static func privateSecurityGroups(in resources: [TemplateResource]) -> [String: String] {
        var result: [String: String] = [:]
        for resource in resources {
            let p = resource.properties
            var groups: [TemplateValue?] = []
            switch resource.type {
            case "AWS::RDS::DBInstance" where CheckValues.bool(p["PubliclyAccessible"]) != true:
                groups = [p["VPCSecurityGroups"], p["DBSecurityGroups"]]
            case "AWS::RDS::DBCluster": groups = [p["VpcSecurityGroupIds"]]
            case "AWS::ElastiCache::CacheCluster": groups = [p["VpcSecurityGroupIds"]]
            case "AWS::ElastiCache::ReplicationGroup": groups = [p["SecurityGroupIds"]]
            case "AWS::EFS::MountTarget": groups = [p["SecurityGroups"]]
            case "AWS::Redshift::Cluster" where CheckValues.bool(p["PubliclyAccessible"]) != true:
                groups = [p["VpcSecurityGroupIds"]]
            default: continue
            }
            for id in groups.reduce(into: Set<String>(), { $0.formUnion(CheckValues.references(in: $1)) }) where result[id] == nil {
                result[id] = resource.logicalID
            }
        }
        return result
    }

    static let publicIngressOnPrivateResource = ResourceRule(CheckDefinition(
        id: "FB-POL-004", title: "Public inbound rule on a security group of a private resource", level: .error,
        description: "A security group attached to a private resource (a database, cache or file system not publicly accessible) allows ingress from 0.0.0.0/0 or ::/0.",
        fix: "Allow ingress only from the application's security group.",
        cfnNag: ["W2"]), types: SecurityGroupRule.types) { resource, context in
        let attached = context.privateSecurityGroups
        let groupID: String?
        if resource.type == "AWS::EC2::SecurityGroupIngress" {
            groupID = CheckValues.references(in: resource.properties["GroupId"]).first { attached[$0] != nil }
        } else {
            groupID = resource.logicalID
        }
        guard let groupID, let owner = attached[groupID] else { return [] }
        return SecurityGroupRule.ingress(of: resource).filter(\.isWorldOpen).map {
            Violation("\($0.portText) open to \($0.cidr ?? "") on a group of private resource \(owner)", line: $0.line)
        }
    }

    static let inlinePolicies = ResourceRule(CheckDefinition(
        id: "FB-POL-005", title: "Inline IAM policy", level: .warning,
        description: "With deny_inline_policies: true, inline Policies of roles, users and groups and AWS::IAM::Policy resources are reported.",
        fix: "Use AWS::IAM::ManagedPolicy resources attached to roles or groups."),
        types: ["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Policy"]) { resource, context in
        guard context.configuration.denyInlinePolicies else { return [] }
        if resource.type == "AWS::IAM::Policy" { return [Violation("inline policy \(CheckValues.literal(resource.properties["PolicyName"]) ?? resource.logicalID)")] }
        return (resource.properties["Policies"]?.list ?? []).map {
            Violation("inline policy \(CheckValues.literal($0["PolicyName"]) ?? "?")", line: CheckValues.line(of: $0))
        }
    }

    static func listRule(_ definition: CheckDefinition, values: @escaping @Sendable (PolicyStatement) -> [String],
                         lists: @escaping @Sendable (CheckConfiguration) -> (allowed: [String], denied: [String]),
                         noun: String) -> ResourceRule {
        ResourceRule(definition, types: PolicyDocuments.permissionTypes) { resource, context in
            let (allowed, denied) = lists(context.configuration)
            guard !allowed.isEmpty || !denied.isEmpty else { return [] }
            return PolicyDocuments.allowStatements(of: resource).flatMap { statement in
                values(statement).compactMap { value -> Violation? in
                    let line = PolicyDocuments.line(statement, fallback: resource.line)
                    if matchesAny(denied, value) { return Violation("\(noun) \(value) is denied", line: line) }
                    if !allowed.isEmpty, !matchesAny(allowed, value) { return Violation("\(noun) \(value) is not allowed", line: line) }
                    return nil
                }
            }
        }
    }

    static let actionLists = listRule(CheckDefinition(
        id: "FB-POL-006", title: "IAM action outside the allowed actions", level: .error,
        description: "An Allow statement has an action matching denied_actions, or (when allowed_actions is set) none of allowed_actions.",
        fix: "Use approved actions only, or update the action lists."),
        values: \.actions, lists: { ($0.allowedActions, $0.deniedActions) }, noun: "action")

    static let policyResourceLists = listRule(CheckDefinition(
        id: "FB-POL-007", title: "IAM resource outside the allowed resources", level: .error,
        description: "An Allow statement has a literal resource matching denied_policy_resources, or (when allowed_policy_resources is set) none of allowed_policy_resources.",
        fix: "Use approved resources only, or update the resource lists."),
        values: \.resources, lists: { ($0.allowedPolicyResources, $0.deniedPolicyResources) }, noun: "resource")

    static let managedPolicyLists = ResourceRule(CheckDefinition(
        id: "FB-POL-008", title: "Managed policy ARN outside the allowed list", level: .error,
        description: "A role, user or group attaches a managed policy ARN matching denied_managed_policy_arns, or (when allowed_managed_policy_arns is set) none of allowed_managed_policy_arns.",
        fix: "Attach approved managed policies only."), types: ["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"]) { resource, context in
        let allowed = context.configuration.allowedManagedPolicyARNs, denied = context.configuration.deniedManagedPolicyARNs
        return IAMChecks.managedPolicyARNs(of: resource).compactMap { item in
            if matchesAny(denied, item.arn) { return Violation("managed policy \(item.arn) is denied", line: item.line) }
            if !allowed.isEmpty, !matchesAny(allowed, item.arn) { return Violation("managed policy \(item.arn) is not allowed", line: item.line) }
            return nil
        }
    }
}
