import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// docker/firebreak-member-role.yaml, the role Firebreak assumes in each member account: it passes `firebreak check`
/// and cfn-lint, it is deployable as a StackSet (nothing account-specific by default), only the security account's
/// task role may assume it and only with the external id, and it allows exactly the calls the executor makes in a
/// member account (the EC2 and CloudTrail ones, read from the Swift sources, and the Security Hub import), scoped
/// as the task role of docker/firebreak-stack.yaml scopes them.
@Suite struct MemberRoleTemplateTests {
    static let templatePath = FirehoseFixture.packageRoot.appendingPathComponent("docker/firebreak-member-role.yaml").path
    /// The services the executor calls in a member account: its steps' EC2 and CloudTrail calls (read from the
    /// sources) and the Security Hub import, which must come from the findings' account. Alerts (SNS), events
    /// (EventBridge), the state table (DynamoDB) and STS stay in the security account.
    static let memberServices = ["ec2:", "cloudtrail:"]
    static let memberOnlyActions: Set<String> = ["securityhub:BatchImportFindings"]
    /// The values a StackSet would pass for the parameters without a default.
    static let parameters = ["SecurityAccountId=111122223333", "TaskRoleName=firebreak-TaskRole-1A2B3C4D5E6F",
                             "ExternalId=firebreak-3f9a1c27"]

    // MARK: the two linters

    @Test func passesFirebreakCheckAtWarningLevel() throws {
        for variant in [[], ["VpcId=vpc-0123456789abcdef0", "TrailName=org-trail"]] {
            let result = try CommandResult.run(["check", Self.templatePath, "--fail-on", "warning", "--format", "json"]
                                               + (Self.parameters + variant).flatMap { ["--parameter", $0] })
            #expect(result.status == 0, "firebreak check failed:\n\(result.stdout)\n\(result.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let findings = report["findings"] as? [[String: Any]] ?? []
            #expect(findings.allSatisfy { $0["suppressed"] as? Bool == true }, "\(findings)")
            // The only accepted finding: the Describe calls, which AWS authorizes on Resource "*" only.
            let suppressed = Set(findings.map { "\($0["checkID"] as? String ?? "") \($0["logicalID"] as? String ?? "")" })
            #expect(suppressed == ["FB-IAM-003 ResponderRoleDescribe"])
        }
    }

    @Test func passesCfnLint() throws {
        let result = try Tool.run("python3", ["-c", Tool.cfnLintMain, "--include-checks", "I", "--", Self.templatePath])
        if result.stderr.contains("No module named") {
            Issue.record("cfn-lint is not installed: run `scripts/install-deps.sh --test` (CI does) to install cfn-lint 1.51.0")
            return
        }
        #expect(result.status == 0, "cfn-lint exit \(result.status) (2 errors, 4 warnings, 8 informational):\n\(result.stdout)\(result.stderr)")
    }

    // MARK: the role

    @Test func isReadyForStackSets() throws {
        let template = try StackTemplate.load(Self.templatePath)
        let parameters = try #require(template["Parameters"] as? [String: Any])
        #expect(Set(parameters.keys) == ["SecurityAccountId", "TaskRoleName", "ExternalId", "RoleName", "ScopeTagValue",
                                         "VpcId", "TrailName"])
        // What differs between the security account and the members is passed in; nothing names an account.
        for name in ["SecurityAccountId", "TaskRoleName", "ExternalId"] {
            #expect((parameters[name] as? [String: Any])?["Default"] == nil, "\(name) has a default")
        }
        let text = try String(contentsOfFile: Self.templatePath, encoding: .utf8)
        #expect(text.firstMatch(of: /[0-9]{12}/) == nil, "an account id is written in the template")
        #expect((parameters["ExternalId"] as? [String: Any])?["NoEcho"] as? Bool == true)
        #expect((parameters["RoleName"] as? [String: Any])?["Default"] as? String == "FirebreakResponder")
        // The main stack's scope tag value by default.
        let stack = try #require(try StackTemplate.load(DeploymentStackTests.stackPath)["Parameters"] as? [String: Any])
        #expect(Self.text((parameters["ScopeTagValue"] as? [String: Any])?["Default"])
                == Self.text((stack["ScopeTagValue"] as? [String: Any])?["Default"]))

        let role = try Self.role(template)
        #expect(Self.text(role["RoleName"]) == #"{"Ref":"RoleName"}"#)
        #expect(role["MaxSessionDuration"] as? Int == 3600)
        #expect(role["ManagedPolicyArns"] == nil && role["PermissionsBoundary"] == nil)
    }

    @Test func onlyTheSecurityAccountsTaskRoleWithTheExternalIdAssumesIt() throws {
        let role = try Self.role(StackTemplate.load(Self.templatePath))
        let trust = try #require(role["AssumeRolePolicyDocument"] as? [String: Any])
        let statements = (trust["Statement"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }.map(StackPolicyStatement.init)
        #expect(statements.count == 1)
        let statement = try #require(statements.first)
        #expect(statement.effect == "Allow" && statement.actions == ["sts:AssumeRole"])
        let raw = try #require((trust["Statement"] as? [[String: Any]])?.first)
        #expect(Self.text(raw["Principal"])
                == #"{"AWS":{"Fn::Sub":"arn:${AWS::Partition}:iam::${SecurityAccountId}:role/${TaskRoleName}"}}"#)
        #expect(Self.text(statement.condition["StringEquals"]?["sts:ExternalId"]) == #"{"Ref":"ExternalId"}"#)
        #expect(raw["NotPrincipal"] == nil && raw["NotAction"] == nil)
    }

    @Test func allowsExactlyTheExecutorsCallsInAMemberAccount() throws {
        let called = try ExecutorCalls.collect(root: FirehoseFixture.packageRoot)
        let expected = Set(called.filter { Self.memberServices.contains(where: $0.hasPrefix) }).union(Self.memberOnlyActions)
        #expect(expected.isSuperset(of: ["ec2:DescribeInstances", "ec2:CreateSnapshots", "ec2:TerminateInstances",
                                         "ec2:RevokeSecurityGroupIngress", "cloudtrail:StartLogging",
                                         "securityhub:BatchImportFindings"]), "\(expected.sorted())")
        #expect(called.isSuperset(of: Self.memberOnlyActions))

        let policy = try TaskRolePolicy(template: StackTemplate.load(Self.templatePath), roleID: "ResponderRole")
        let allowed = Set(policy.allowed.flatMap(\.actions))
        #expect(!allowed.contains { $0.contains("*") }, "wildcard actions: \(allowed.sorted())")
        #expect(allowed == expected, """
            member role and executor differ:
              allowed, never called in a member account: \(allowed.subtracting(expected).sorted())
              called there, not allowed:                 \(expected.subtracting(allowed).sorted())
            """)
        #expect(Set(policy.denied.flatMap(\.actions)).isSubset(of: expected))
        #expect(policy.managedPolicyArns.isEmpty && policy.conditionOf.isEmpty)
    }

    @Test func scopesEveryChangeAsTheTaskRoleDoes() throws {
        let policy = try TaskRolePolicy(template: StackTemplate.load(Self.templatePath), roleID: "ResponderRole")
        DeploymentStackTests.expectScoped(policy, playbooks: try DeploymentStackTests.playbooks())

        // Statement by statement, the task role's EC2 and CloudTrail ones: the same actions under the same condition
        // keys, on the same resource types of this account in any region (and its VpcId and TrailName, not the
        // stack's own VPC and trail).
        let taskRole = try TaskRolePolicy(template: StackTemplate.load(DeploymentStackTests.stackPath))
        func mirrored(_ statements: [StackPolicyStatement]) -> [String: StackPolicyStatement] {
            Dictionary(uniqueKeysWithValues: statements.filter { $0.actions.allSatisfy { a in Self.memberServices.contains(where: a.hasPrefix) } }
                .map { ($0.sid, $0) })
        }
        let (task, member) = (mirrored(taskRole.allowed + taskRole.denied), mirrored(policy.allowed + policy.denied))
        #expect(Set(task.keys) == Set(member.keys), "task role \(task.keys.sorted()), member role \(member.keys.sorted())")
        for (sid, theirs) in task {
            guard let ours = member[sid] else { continue }
            #expect(ours.effect == theirs.effect && ours.actions == theirs.actions, "\(sid)")
            #expect(Self.conditionKeys(ours) == Self.conditionKeys(theirs), "\(sid): \(ours.condition) vs \(theirs.condition)")
            #expect(ours.resources.map { Self.resourceType(Self.text($0)) } == theirs.resources.map { Self.resourceType(Self.text($0)) },
                    "\(sid): \(ours.resources.map { Self.text($0) })")
            // ARNs of this account in any region (a role serves every region), none of the main stack's resources.
            for resource in ours.resources.map({ Self.text($0) }) where resource != "*" {
                #expect(resource.hasPrefix(#"{"Fn::Sub":"arn:${AWS::Partition}:"#) && !resource.contains("${AWS::Region}"),
                        "\(sid): \(resource)")
            }
        }
        let trail = try #require(member["RestartTheTrail"])
        #expect(trail.resources.map { Self.text($0) } == [#"{"Fn::Sub":"arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/${TrailName}"}"#])
        let vpcs = policy.allowed.compactMap { $0.condition["StringLike"]?["ec2:Vpc"] }.map { Self.text($0) }
        #expect(!vpcs.isEmpty && vpcs.allSatisfy { $0 == #"{"Fn::Sub":"arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:vpc/${VpcId}"}"# }, "\(vpcs)")

        // Security Hub: this account's findings into its own Security Hub, as its default product.
        let imports = try #require(policy.allowed.first { $0.actions.contains("securityhub:BatchImportFindings") })
        #expect(imports.actions == ["securityhub:BatchImportFindings"])
        #expect(imports.resources.map { Self.text($0) }
                == [#"{"Fn::Sub":"arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:product/${AWS::AccountId}/default"}"#])
        #expect(Self.text(imports.condition["StringEquals"]?["securityhub:TargetAccount"]) == #"{"Ref":"AWS::AccountId"}"#)
    }

    // MARK: helpers

    /// The properties of the role the template creates (its only AWS::IAM::Role).
    static func role(_ template: [String: Any]) throws -> [String: Any] {
        let resources = try #require(template["Resources"] as? [String: Any])
        let roles = resources.filter { ($0.value as? [String: Any])?["Type"] as? String == "AWS::IAM::Role" }
        #expect(Array(roles.keys) == ["ResponderRole"])
        return try #require((resources["ResponderRole"] as? [String: Any])?["Properties"] as? [String: Any])
    }

    /// `operator key` of each condition of a statement, sorted; `ec2:Vpc` as StringEquals (the member role compares
    /// it with StringLike, since VpcId may be "*").
    static func conditionKeys(_ statement: StackPolicyStatement) -> [String] {
        statement.condition.flatMap { condition in condition.value.keys.map { "\(condition.key) \($0)" } }.sorted()
            .map { $0.replacingOccurrences(of: "StringLike ec2:Vpc", with: "StringEquals ec2:Vpc") }
    }

    /// The resource type of an ARN (`instance`, `security-group`, `trail`, ...), from the text after its last `:`;
    /// for the main stack's own resource (`Fn::GetAtt` of `Trail`), its logical id in lower case.
    static func resourceType(_ arn: String) -> String {
        guard arn != "*" else { return "*" }
        if let logicalID = arn.firstMatch(of: /^\{"Fn::GetAtt":\["([A-Za-z0-9]+)"/)?.output.1 { return logicalID.lowercased() }
        let tail = arn.split(separator: ":").last.map(String.init) ?? arn
        return String(tail.prefix { $0 != "/" && $0 != "\"" && $0 != "}" })
    }

    static func text(_ value: Any?) -> String { DeploymentStackTests.text(value) }
}
