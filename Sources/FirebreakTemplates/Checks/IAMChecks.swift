/// IAM checks: wildcard permissions, NotAction/NotResource, wildcard principals, inline user policies.
enum IAMChecks {
    static let all: [any TemplateCheck] = [
        fullAdmin, serviceWildcard, wildcardResource, allowNotAction, allowNotResource, trustWildcardPrincipal,
        resourcePolicyWildcardPrincipal, userInlinePolicy, adminManagedPolicy, passRoleWildcard, lambdaPermissionWildcard,
    ]

    static func statementRule(_ definition: CheckDefinition,
                              _ test: @escaping @Sendable (PolicyStatement) -> String?) -> ResourceRule {
        ResourceRule(definition, types: PolicyDocuments.permissionTypes) { resource, _ in
            PolicyDocuments.allowStatements(of: resource).compactMap { statement in
                test(statement).map { Violation($0, line: PolicyDocuments.line(statement, fallback: resource.line)) }
            }
        }
    }

    static let fullAdmin = statementRule(CheckDefinition(
        id: "FB-IAM-001", title: "IAM policy allows all actions on all resources", level: .error,
        description: "An Allow statement has Action \"*\" and Resource \"*\" (full administrator).",
        fix: "List the actions and resources the principal needs.",
        cfnNag: ["F3", "F4", "F5"], checkov: ["CKV_AWS_62", "CKV_AWS_63"])) { s in
        s.actions.contains("*") && s.resources.contains("*") ? "Allow Action \"*\" on Resource \"*\"" : nil
    }

    static let serviceWildcard = statementRule(CheckDefinition(
        id: "FB-IAM-002", title: "IAM policy allows all actions of a service on all resources", level: .warning,
        description: "An Allow statement has an Action such as \"s3:*\" with Resource \"*\".",
        fix: "List the actions needed and scope Resource to specific ARNs.",
        cfnNag: ["F3", "F4", "F5", "W11", "W12", "W13"])) { s in
        let wild = s.actions.filter { $0 != "*" && $0.hasSuffix(":*") }
        return !wild.isEmpty && s.resources.contains("*") ? "Allow \(wild.joined(separator: ", ")) on Resource \"*\"" : nil
    }

    static let wildcardResource = statementRule(CheckDefinition(
        id: "FB-IAM-003", title: "IAM policy allows specific actions on all resources", level: .warning,
        description: "An Allow statement with literal, non-wildcard actions has Resource \"*\".",
        fix: "Scope Resource to the ARNs the actions apply to (some actions require \"*\"; suppress those with a reason).",
        cfnNag: ["W11", "W12", "W13"], checkov: ["CKV_AWS_111"])) { s in
        let specific = s.actions.filter { !$0.contains("*") }
        return s.resources.contains("*") && !specific.isEmpty && specific.count == s.actions.count
            ? "Allow \(specific.joined(separator: ", ")) on Resource \"*\"" : nil
    }

    static let allowNotAction = statementRule(CheckDefinition(
        id: "FB-IAM-004", title: "IAM policy uses Allow with NotAction", level: .warning,
        description: "An Allow statement uses NotAction, allowing every action but the listed ones.",
        fix: "Use Action with an explicit list instead of NotAction.",
        cfnNag: ["W15", "W16", "W17"])) { s in
        s.hasNotAction ? "Allow with NotAction \(s.notActions.joined(separator: ", "))" : nil
    }

    static let allowNotResource = statementRule(CheckDefinition(
        id: "FB-IAM-005", title: "IAM policy uses Allow with NotResource", level: .warning,
        description: "An Allow statement uses NotResource, allowing every resource but the listed ones.",
        fix: "Use Resource with an explicit list instead of NotResource.",
        cfnNag: ["W21", "W22", "W23"])) { s in
        s.hasNotResource ? "Allow with NotResource" : nil
    }

    static let trustWildcardPrincipal = ResourceRule(CheckDefinition(
        id: "FB-IAM-006", title: "Role trust policy allows any principal", level: .error,
        description: "An Allow statement of AssumeRolePolicyDocument has Principal \"*\" (or AWS: \"*\") without a Condition.",
        fix: "Name the accounts, roles or services that may assume the role, or add conditions (e.g. aws:PrincipalOrgID).",
        checkov: ["CKV_AWS_60"]), types: ["AWS::IAM::Role"]) { resource, _ in
        let document = resource.properties["AssumeRolePolicyDocument"]
        return PolicyDocuments.statements(document).filter { $0.isAllow && $0.hasWildcardPrincipal && !$0.hasCondition }.map {
            Violation("trust policy allows Principal \"*\"",
                      line: PolicyDocuments.line($0, fallback: resource.properties.line(of: "AssumeRolePolicyDocument") ?? resource.line))
        }
    }

    static let resourcePolicyWildcardPrincipal = ResourceRule(CheckDefinition(
        id: "FB-IAM-007", title: "Queue or topic policy allows any principal", level: .error,
        description: "An Allow statement of an AWS::SQS::QueuePolicy or AWS::SNS::TopicPolicy has Principal \"*\" without a Condition.",
        fix: "Name the principals, or restrict with conditions such as aws:SourceArn or aws:PrincipalOrgID.",
        cfnNag: ["F18", "F21"]),
        types: ["AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy"]) { resource, _ in
        PolicyDocuments.statements(resource.properties["PolicyDocument"])
            .filter { $0.isAllow && $0.hasWildcardPrincipal && !$0.hasCondition }.map {
                Violation("allows Principal \"*\" (\($0.actions.joined(separator: ", ")))",
                          line: PolicyDocuments.line($0, fallback: resource.line))
            }
    }

    static let userInlinePolicy = ResourceRule(CheckDefinition(
        id: "FB-IAM-008", title: "Policy attached directly to an IAM user", level: .warning,
        description: "An IAM user has inline Policies or ManagedPolicyArns, or an AWS::IAM::Policy/ManagedPolicy names Users.",
        fix: "Grant permissions through groups or roles.",
        cfnNag: ["F10", "F11", "F12"], checkov: ["CKV_AWS_40"]),
        types: ["AWS::IAM::User", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"]) { resource, _ in
        let p = resource.properties
        if resource.type == "AWS::IAM::User" {
            var result: [Violation] = []
            if !(p["Policies"]?.list ?? []).isEmpty { result.append(Violation("user has inline policies", line: p.line(of: "Policies"))) }
            if !(p["ManagedPolicyArns"]?.list ?? []).isEmpty {
                result.append(Violation("user has managed policies attached", line: p.line(of: "ManagedPolicyArns")))
            }
            return result
        }
        return (p["Users"]?.list ?? []).isEmpty ? [] : [Violation("policy attached to users", line: p.line(of: "Users"))]
    }

    /// Managed policy ARNs attached by a role, user, group (literal values only).
    static func managedPolicyARNs(of resource: TemplateResource) -> [(arn: String, line: Int)] {
        guard ["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"].contains(resource.type) else { return [] }
        let line = resource.properties.line(of: "ManagedPolicyArns") ?? resource.line
        return CheckValues.strings(resource.properties["ManagedPolicyArns"]).map { ($0, line) }
    }

    static let adminManagedPolicy = ResourceRule(CheckDefinition(
        id: "FB-IAM-009", title: "AWS administrator managed policy attached", level: .error,
        description: "A role, user or group attaches the AWS managed AdministratorAccess policy.",
        fix: "Attach least-privilege policies instead.",
        cfnNag: ["W43"]), types: ["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"]) { resource, _ in
        managedPolicyARNs(of: resource).filter { $0.arn.hasSuffix(":iam::aws:policy/AdministratorAccess") }.map { Violation("attaches \($0.arn)", line: $0.line) }
    }

    static let passRoleWildcard = statementRule(CheckDefinition(
        id: "FB-IAM-010", title: "IAM policy allows iam:PassRole on all resources", level: .error,
        description: "An Allow statement allows iam:PassRole (or iam:*) with Resource \"*\", letting the principal hand any role to a service.",
        fix: "Scope iam:PassRole to the ARNs of the roles to pass.",
        cfnNag: ["F38", "F39", "F40"])) { s in
        let pass = s.actions.contains { ["iam:passrole", "iam:*", "iam:pass*"].contains($0.lowercased()) }
        return pass && s.resources.contains("*") ? "Allow iam:PassRole on Resource \"*\"" : nil
    }

    static let lambdaPermissionWildcard = ResourceRule(CheckDefinition(
        id: "FB-IAM-011", title: "Lambda permission for any principal", level: .error,
        description: "An AWS::Lambda::Permission has Principal \"*\" without SourceArn or SourceAccount.",
        fix: "Name the service or account principal and set SourceArn/SourceAccount.",
        cfnNag: ["F13"]), types: ["AWS::Lambda::Permission"]) { resource, _ in
        let p = resource.properties
        guard CheckValues.literal(p["Principal"]) == "*", !CheckValues.present(p["SourceArn"]),
              !CheckValues.present(p["SourceAccount"]), !CheckValues.present(p["PrincipalOrgID"]) else { return [] }
        return [Violation("Principal \"*\" may invoke the function", line: p.line(of: "Principal"))]
    }
}
