import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// docker/firebreak-stack.yaml, the CloudFormation stack that deploys Firebreak: it passes the project's own
/// `firebreak check` and cfn-lint, its task role allows exactly the AWS calls the service makes (read from the
/// Swift sources, so a new call without a policy change fails here), scoped as AWS allows, the container
/// environment it sets is a configuration `firebreak serve` accepts, and its tasks share a state table and scale
/// out on the load balancer's requests.
@Suite struct DeploymentStackTests {
    static let stackPath = FirehoseFixture.packageRoot.appendingPathComponent("docker/firebreak-stack.yaml").path
    /// The services whose actions the task role allows exactly as the service calls them (ExecutorCalls).
    static let calledServices = ["ec2:", "sns:", "cloudtrail:", "dynamodb:", "securityhub:", "events:", "sts:"]
    /// The parameters of the variant with member accounts and the Security Hub export.
    static let memberParameters = ["MemberRoleName=FirebreakResponder", "MemberExternalId=firebreak-3f9a1c27",
                                   "SecurityHubExport=true", "EventBusName=security-findings"]

    // MARK: the two linters

    @Test func passesFirebreakCheckAtWarningLevel() throws {
        let result = try CommandResult.run(["check", Self.stackPath, "--fail-on", "warning", "--format", "json"])
        #expect(result.status == 0, "firebreak check failed:\n\(result.stdout)\n\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = report["findings"] as? [[String: Any]] ?? []
        #expect(findings.allSatisfy { $0["suppressed"] as? Bool == true }, "\(findings)")
        // The only accepted findings: Resource "*" where AWS has no narrower resource. A new suppression is a
        // decision to review, so it has to be added here too.
        let suppressed = Set(findings.map { "\($0["checkID"] as? String ?? "") \($0["logicalID"] as? String ?? "")" })
        #expect(suppressed == ["FB-IAM-003 TaskRoleDescribe", "FB-IAM-003 ExecutionRoleRegistryLogin"])

        // Closed to Firehose's published ranges (documentation addresses here), as an operator deploys it.
        let closed = try CommandResult.run(["check", Self.stackPath, "--fail-on", "warning", "--format", "json",
                                            "--parameter", "FirehoseSourceCidr=192.0.2.0/27",
                                            "--parameter", "FirehoseSourceCidr2=198.51.100.0/27",
                                            "--parameter", "FirehoseSourceCidr3=203.0.113.0/27"])
        #expect(closed.status == 0, "firebreak check with Firehose ranges failed:\n\(closed.stdout)\n\(closed.stderr)")
        let closedReport = try #require(try JSONSerialization.jsonObject(with: Data(closed.stdout.utf8)) as? [String: Any])
        let closedFindings = closedReport["findings"] as? [[String: Any]] ?? []
        // 443 may be open to the world (allowed_ingress_ports), so Firehose's /27 ranges on it are no finding.
        #expect(!closedFindings.contains { $0["checkID"] as? String == "FB-NET-006" }, "\(closedFindings)")
        #expect(closedFindings.allSatisfy { $0["suppressed"] as? Bool == true }, "\(closedFindings)")

        // With member accounts and the export, as a security account deploys it.
        let members = try CommandResult.run(["check", Self.stackPath, "--fail-on", "warning", "--format", "json"]
                                            + Self.memberParameters.flatMap { ["--parameter", $0] })
        #expect(members.status == 0, "firebreak check with member accounts failed:\n\(members.stdout)\n\(members.stderr)")
        let membersReport = try #require(try JSONSerialization.jsonObject(with: Data(members.stdout.utf8)) as? [String: Any])
        let membersFindings = membersReport["findings"] as? [[String: Any]] ?? []
        #expect(Set(membersFindings.map { "\($0["checkID"] as? String ?? "") \($0["logicalID"] as? String ?? "")" }) == suppressed)
        #expect(membersFindings.allSatisfy { $0["suppressed"] as? Bool == true }, "\(membersFindings)")
    }

    @Test func passesCfnLint() throws {
        // Informational rules included (I3011 and the like): the template is to be clean at every level.
        // cfn-lint's exit code is a bitmask: 2 errors, 4 warnings, 8 informational.
        let result = try Tool.run("python3", ["-c", Tool.cfnLintMain, "--include-checks", "I", "--", Self.stackPath])
        if result.stderr.contains("No module named") {
            Issue.record("cfn-lint is not installed: run `scripts/install-deps.sh --test` (CI does) to install cfn-lint 1.51.0")
            return
        }
        #expect(result.status == 0, "cfn-lint exit \(result.status) (2 errors, 4 warnings, 8 informational):\n\(result.stdout)\(result.stderr)")
    }

    // MARK: the task role

    @Test func taskRoleAllowsExactlyTheExecutorsCalls() throws {
        let called = try ExecutorCalls.collect(root: FirehoseFixture.packageRoot)
        // The parser must see the calls it is meant to see; an empty or partial set would prove nothing.
        #expect(called.isSuperset(of: ["ec2:DescribeInstances", "ec2:CreateSnapshots", "ec2:TerminateInstances",
                                       "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
                                       "sns:Publish", "cloudtrail:StartLogging",
                                       "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
                                       "securityhub:BatchImportFindings", "events:PutEvents", "sts:AssumeRole"]),
                "\(called.sorted())")
        // TransactWriteItems is no IAM action (its writes are authorized as PutItem, UpdateItem, ...), and the
        // table set-up of `firebreak store init` is not the service's.
        #expect(called.isDisjoint(with: ["dynamodb:TransactWriteItems", "dynamodb:CreateTable", "dynamodb:DescribeTable",
                                         "dynamodb:UpdateTimeToLive", "dynamodb:DescribeTimeToLive"]), "\(called.sorted())")
        // GetCallerIdentity needs no permission; GetFindings is the tests' read-back, not the service's; web identity
        // is the credential chain's (authorized by the role's trust policy, unsigned), not a call of the service.
        #expect(called.isDisjoint(with: ["sts:GetCallerIdentity", "securityhub:GetFindings", "sts:AssumeRoleWithWebIdentity"]),
                "\(called.sorted())")

        let policy = try TaskRolePolicy(template: StackTemplate.load(Self.stackPath))
        let allowed = policy.allowed.flatMap(\.actions)
        #expect(!allowed.contains { $0.contains("*") }, "wildcard actions: \(allowed)")
        let awsCalls = Set(allowed.filter { Self.calledServices.contains(where: $0.hasPrefix) })
        #expect(awsCalls == called, """
            task role and executor differ:
              allowed, never called: \(awsCalls.subtracting(called).sorted())
              called, not allowed:   \(called.subtracting(awsCalls).sorted())
            """)
        // Beyond the calls: only the KMS use AWS makes on the task's behalf: SNS to encrypt alerts for the topic,
        // DynamoDB to decrypt the state table's key.
        for statement in policy.allowed {
            let other = statement.actions.filter { !awsCalls.contains($0) }
            guard !other.isEmpty else { continue }
            #expect(Set(other).isSubset(of: ["kms:GenerateDataKey", "kms:Decrypt"]), "\(statement.sid): \(other)")
            let via = Self.text(statement.condition["StringEquals"]?["kms:ViaService"])
            #expect(via.contains("sns.") || via.contains("dynamodb."), "\(statement.sid): \(via)")
            #expect(statement.resources.map { Self.text($0) } == [#"{"Fn::GetAtt":["FirebreakKey","Arn"]}"#], "\(statement.sid)")
        }
        // The table's items, on the state table only.
        let table = policy.allowed.filter { $0.actions.contains { $0.hasPrefix("dynamodb:") } }
        #expect(!table.isEmpty)
        for statement in table {
            #expect(statement.resources.map { Self.text($0) } == [#"{"Fn::GetAtt":["StateTable","Arn"]}"#],
                    "\(statement.sid): \(statement.resources.map { Self.text($0) })")
        }
        #expect(Set(policy.denied.flatMap(\.actions)).isSubset(of: called))
        #expect(policy.managedPolicyArns.isEmpty)
    }

    @Test func taskRoleScopesEveryChange() throws {
        let template = try StackTemplate.load(Self.stackPath)
        let policy = try TaskRolePolicy(template: template)
        let playbooks = try Self.playbooks()
        Self.expectScoped(policy, playbooks: playbooks)
        let publish = try #require(policy.allowed.first { $0.actions.contains("sns:Publish") })
        #expect(publish.resources.map { Self.text($0) } == [#"{"Ref":"AlertTopic"}"#])
        let trail = try #require(policy.allowed.first { $0.actions.contains("cloudtrail:StartLogging") })
        #expect(trail.resources.map { Self.text($0) } == [#"{"Fn::GetAtt":["Trail","Arn"]}"#])

        // Security Hub: this account's own findings, as its default product.
        let imports = try #require(policy.allowed.first { $0.actions.contains("securityhub:BatchImportFindings") })
        #expect(imports.actions == ["securityhub:BatchImportFindings"])
        #expect(imports.resources.map { Self.text($0) }
                == [#"{"Fn::Sub":"arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default"}"#])
        #expect(Self.text(imports.condition["StringEquals"]?["securityhub:TargetAccount"]) == #"{"Ref":"AWS::AccountId"}"#)
        // EventBridge: the one bus of EventBusName.
        let events = try #require(policy.allowed.first { $0.actions.contains("events:PutEvents") })
        #expect(events.actions == ["events:PutEvents"])
        #expect(events.resources.map { Self.text($0) }
                == [#"{"Fn::Sub":"arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${EventBusName}"}"#])
        let parameters = try #require(template["Parameters"] as? [String: Any])
        #expect((parameters["EventBusName"] as? [String: Any])?["Default"] as? String == "default")
        // STS: the member accounts' role, by name in any account, only when MemberRoleName is given.
        let assume = try #require(policy.allowed.first { $0.actions.contains("sts:AssumeRole") })
        #expect(assume.actions == ["sts:AssumeRole"])
        #expect(assume.resources.map { Self.text($0) } == [#"{"Fn::Sub":"arn:${AWS::Partition}:iam::*:role/${MemberRoleName}"}"#])
        #expect(policy.conditionOf[assume.sid] == "HasMemberRole", "\(assume.sid) must depend on MemberRoleName")
        #expect(Self.text((template["Conditions"] as? [String: Any])?["HasMemberRole"])
                == #"{"Fn::Not":[{"Fn::Equals":[{"Ref":"MemberRoleName"},""]}]}"#)
        // Nothing else is conditional: the rest is the same with and without member accounts.
        #expect(Set(policy.conditionOf.keys) == [assume.sid], "\(policy.conditionOf)")
        // The external id is not echoed by CloudFormation (the task reads it from a secret).
        #expect((parameters["MemberExternalId"] as? [String: Any])?["NoEcho"] as? Bool == true)
    }

    /// `config/playbooks.yaml`, as data.
    static func playbooks() throws -> [String: Any] {
        try StackTemplate.yaml(FirehoseFixture.packageRoot.appendingPathComponent("config/playbooks.yaml").path)
    }

    /// The scoping every role that acts for Firebreak keeps: Resource "*" only for the Describe calls, instance
    /// changes only on instances carrying the playbooks' scope tag, security-group changes on `ec2:Vpc`, and an
    /// explicit Deny for the playbooks' protected tags.
    static func expectScoped(_ policy: TaskRolePolicy, playbooks: [String: Any],
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let scopeKeys = Set((playbooks["playbooks"] as? [[String: Any]] ?? []).flatMap {
            (($0["scope"] as? [String: Any])?["tags"] as? [String: Any] ?? [:]).keys
        })
        #expect(!scopeKeys.isEmpty, sourceLocation: sourceLocation)

        for statement in policy.allowed {
            // Resource "*" only where AWS knows no narrower one: the Describe calls.
            if statement.resources.contains(where: { text($0) == "*" }) {
                #expect(statement.actions.allSatisfy { $0.hasPrefix("ec2:Describe") }, "\(statement.sid) on *: \(statement.actions)",
                        sourceLocation: sourceLocation)
                continue
            }
            let instanceScoped = statement.resources.contains { text($0).contains(":instance/") }
            if instanceScoped {
                let tagKeys = (statement.condition["StringEquals"] ?? [:]).keys
                    .filter { $0.hasPrefix("aws:ResourceTag/") }.map { String($0.dropFirst("aws:ResourceTag/".count)) }
                #expect(!tagKeys.isEmpty && Set(tagKeys).isSubset(of: scopeKeys),
                        "\(statement.sid): instance actions need the playbooks' scope tag \(scopeKeys.sorted()), have \(tagKeys)",
                        sourceLocation: sourceLocation)
            }
            let securityGroups = statement.resources.contains { text($0).contains(":security-group/") }
            if securityGroups, statement.actions.contains(where: { $0.hasPrefix("ec2:Revoke") || $0 == "ec2:ModifyNetworkInterfaceAttribute" }) {
                let vpc = statement.condition["StringEquals"]?["ec2:Vpc"] ?? statement.condition["StringLike"]?["ec2:Vpc"]
                #expect(vpc != nil, "\(statement.sid): security group changes need ec2:Vpc", sourceLocation: sourceLocation)
            }
        }
        // Whatever changes an instance is allowed on instances in scope only.
        for action in ["ec2:StopInstances", "ec2:TerminateInstances", "ec2:ModifyInstanceAttribute", "ec2:CreateSnapshots"] {
            let statements = policy.allowed.filter { $0.actions.contains(action) }
            #expect(statements.contains { s in s.resources.contains { text($0).contains(":instance/") } }, "\(action)",
                    sourceLocation: sourceLocation)
            #expect(statements.allSatisfy { s in !s.resources.contains { text($0).contains(":instance/") }
                                             || s.condition["StringEquals"] != nil }, "\(action)", sourceLocation: sourceLocation)
        }

        // The playbooks' protection is enforced by IAM too.
        let protected = ((playbooks["protected"] as? [String: Any])?["tags"] as? [String: Any] ?? [:])
        #expect(!protected.isEmpty, sourceLocation: sourceLocation)
        for (key, value) in protected {
            #expect(policy.denied.contains { text($0.condition["StringEquals"]?["aws:ResourceTag/\(key)"]) == "\(value)" },
                    "no Deny for \(key)=\(value)", sourceLocation: sourceLocation)
        }
    }

    // MARK: the delivery path

    @Test func firehoseReachesTheServiceOverHTTPSWithTheTasksKey() throws {
        let template = try StackTemplate.load(Self.stackPath)
        let resources = try #require(template["Resources"] as? [String: Any])
        func properties(_ id: String) throws -> [String: Any] {
            try #require((resources[id] as? [String: Any])?["Properties"] as? [String: Any], "no \(id)")
        }
        // Firehose delivers to HTTPS on 443 only, and checks the certificate: the URL uses the certificate's name.
        let http = try #require(try properties("DeliveryStream")["HttpEndpointDestinationConfiguration"] as? [String: Any])
        #expect(Self.text((http["EndpointConfiguration"] as? [String: Any])?["Url"]) == #"{"Fn::Sub":"https://${DomainName}/firehose"}"#)
        #expect(Self.text((http["RequestConfiguration"] as? [String: Any])?["ContentEncoding"]) == "GZIP")
        #expect(http["S3BackupMode"] as? String == "FailedDataOnly")
        let secrets = try #require(http["SecretsManagerConfiguration"] as? [String: Any])
        #expect(secrets["Enabled"] as? Bool == true && Self.text(secrets["SecretARN"]) == #"{"Ref":"AccessKeySecret"}"#)
        #expect((http["EndpointConfiguration"] as? [String: Any])?["AccessKey"] == nil)

        let listener = try properties("HttpsListener")
        #expect(listener["Port"] as? Int == 443 && listener["Protocol"] as? String == "HTTPS")
        #expect((listener["SslPolicy"] as? String ?? "").hasPrefix("ELBSecurityPolicy-TLS13-"))
        #expect(Self.text((listener["DefaultActions"] as? [[String: Any]])?.first?["Type"]) == "fixed-response")
        let rule = try properties("FirehoseListenerRule")
        // Only Firehose's POST on its path reaches the task (/metrics and /findings are not on this listener anyway).
        #expect(Self.text(rule["Conditions"]) == #"[{"Field":"path-pattern","PathPatternConfig":{"Values":["/firehose"]}},"#
                + #"{"Field":"http-request-method","HttpRequestMethodConfig":{"Values":["POST"]}}]"#)
        let group = try properties("TargetGroup")
        #expect(group["TargetType"] as? String == "ip" && group["Port"] as? Int == 8080 && group["HealthCheckPath"] as? String == "/healthz")

        // The task takes 8080 from the load balancer only; the load balancer takes 443 only.
        let ingress = try properties("TaskIngressFromLoadBalancer")
        #expect(ingress["FromPort"] as? Int == 8080 && ingress["ToPort"] as? Int == 8080 && ingress["CidrIp"] == nil)
        #expect(Self.text(ingress["SourceSecurityGroupId"]) == #"{"Fn::GetAtt":["LoadBalancerSecurityGroup","GroupId"]}"#)
        #expect(try properties("TaskSecurityGroup")["SecurityGroupIngress"] == nil)
        let balancerIngress = Self.text(try properties("LoadBalancerSecurityGroup")["SecurityGroupIngress"])
        #expect(!balancerIngress.contains("\"FromPort\":8") && balancerIngress.components(separatedBy: "\"FromPort\":443").count == 4)

        // The task reads the secret Firehose reads.
        let container = try #require((try properties("TaskDefinition")["ContainerDefinitions"] as? [[String: Any]])?.first)
        let current = (container["Secrets"] as? [Any])?.first as? [String: Any]
        #expect(Self.text(current?["ValueFrom"]) == #"{"Fn::Sub":"${AccessKeySecret}:api_key:AWSCURRENT:"}"#)
    }

    // MARK: the container

    @Test func containerEnvironmentIsAFirebreakConfiguration() throws {
        let template = try StackTemplate.load(Self.stackPath)
        let resources = try #require(template["Resources"] as? [String: Any])
        let taskDefinition = try #require((resources["TaskDefinition"] as? [String: Any])?["Properties"] as? [String: Any])
        let container = try #require((taskDefinition["ContainerDefinitions"] as? [[String: Any]])?.first)

        // Every FIREBREAK_* name the stack sets is a key of config/firebreak.yaml or one of its short forms:
        // the service ignores unknown variables, so a typo would silently leave a default in force.
        let known = try Self.configurationVariableNames()
        // An entry under `Fn::If` as its condition holds (the variant with member accounts, MemberRoleName given).
        func given(_ entry: Any) -> (entry: [String: Any]?, condition: String?) {
            guard let choice = (entry as? [String: Any])?["Fn::If"] as? [Any], choice.count == 3 else { return (entry as? [String: Any], nil) }
            return (choice[1] as? [String: Any], choice[0] as? String)
        }
        var environment: [String: String] = [:]
        var conditional: [String: String] = [:]
        for item in container["Environment"] as? [Any] ?? [] {
            let (entry, condition) = given(item)
            let name = try #require(entry?["Name"] as? String)
            let isSetting = known.contains(name)
            #expect(isSetting, "\(name) is not a Firebreak setting")
            environment[name] = try Self.sampleValue(entry?["Value"], template: template)
            conditional[name] = condition
        }
        var secretNames: [String] = []
        for item in container["Secrets"] as? [Any] ?? [] {
            let (secret, condition) = given(item)
            let name = try #require(secret?["Name"] as? String)
            let isSetting = known.contains(name)
            #expect(isSetting, "\(name) is not a Firebreak setting")
            secretNames.append(name)
            conditional[name] = condition
        }
        #expect(Set(secretNames) == ["FIREBREAK_ACCESS_KEY", "FIREBREAK_FIREHOSE_SECONDARY_ACCESS_KEY", "FIREBREAK_AWS_EXTERNAL_ID"])
        // The role pattern and the external id come together, with MemberRoleName.
        #expect(conditional["FIREBREAK_AWS_ASSUME_ROLE_ARN"] == "HasMemberRole" && conditional["FIREBREAK_AWS_EXTERNAL_ID"] == "HasMemberRole",
                "\(conditional)")
        #expect(environment["FIREBREAK_AWS_EXTERNAL_ID"] == nil, "the external id belongs in Secrets, not Environment")

        // The configuration `firebreak serve` would start with in the task (both keys, as during a rotation).
        environment["FIREBREAK_ACCESS_KEY"] = "current-key"
        environment["FIREBREAK_FIREHOSE_SECONDARY_ACCESS_KEY"] = "pending-key"
        environment["FIREBREAK_AWS_EXTERNAL_ID"] = "firebreak-3f9a1c27"
        let result = try CommandResult.run(["serve", "--print-config"], environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        for line in ["server.listen: 0.0.0.0:8080", "mode: observe", "firehose.access_keys: 2 configured (redacted)",
                     "server.drain_seconds: 20", "idle 75s", "store.backend: dynamodb (table \(Self.sampleTableName))",
                     "decode.flow_log_formats: /firebreak/firebreak-test/vpc-flow-logs", "aws.region: us-east-1",
                     "alerts.sns_topic_arn: arn:aws:sns:us-east-1:123456789012:firebreak-alerts",
                     "aws.assume_role_arn: arn:aws:iam::{account_id}:role/FirebreakResponder", "aws.external_id: (set)",
                     "export.securityhub.enabled: false",
                     // EMF on, with the Service dimension the stack's alarms and dashboard read (the stack's name).
                     "metrics.emf: on, every 60s, namespace Firebreak, service firebreak-test"] {
            #expect(result.stdout.contains(line), "no '\(line)' in:\n\(result.stdout)")
        }
        #expect(!result.stdout.contains("firebreak-3f9a1c27"), "the external id is printed")

        // The execution role reads the external id's secret (as the access key's), only when it exists.
        let execution = try TaskRolePolicy(template: template, roleID: "ExecutionRole")
        let read = try #require(execution.allowed.first { $0.resources.map { Self.text($0) } == [#"{"Ref":"MemberExternalIdSecret"}"#] })
        #expect(read.actions == ["secretsmanager:GetSecretValue"] && execution.conditionOf[read.sid] == "HasMemberRole")
        let secret = try #require(resources["MemberExternalIdSecret"] as? [String: Any])
        #expect(secret["Condition"] as? String == "HasMemberRole")
        #expect(Self.text((secret["Properties"] as? [String: Any])?["KmsKeyId"]) == #"{"Ref":"FirebreakKey"}"#)

        // ECS waits StopTimeout after SIGTERM; the service needs its drain time within it.
        let stopTimeout = try #require(container["StopTimeout"] as? Int)
        #expect(stopTimeout > Int(environment["FIREBREAK_SERVER_DRAIN_SECONDS"] ?? "") ?? Int.max)
        // The load balancer must give up an idle connection before the service closes it.
        let balancer = try #require((resources["LoadBalancer"] as? [String: Any])?["Properties"] as? [String: Any])
        let idle = (balancer["LoadBalancerAttributes"] as? [[String: Any]] ?? [])
            .first { $0["Key"] as? String == "idle_timeout.timeout_seconds" }?["Value"] as? String
        #expect((Int(idle ?? "60") ?? 60) < Int(environment["FIREBREAK_SERVER_IDLE_TIMEOUT_SECONDS"] ?? "60") ?? 60)
    }

    // MARK: the state table and scaling

    @Test func tasksShareAnEncryptedStateTableAndScaleOnRequests() throws {
        let template = try StackTemplate.load(Self.stackPath)
        let resources = try #require(template["Resources"] as? [String: Any])
        func resource(_ id: String) throws -> [String: Any] { try #require(resources[id] as? [String: Any], "no \(id)") }
        func properties(_ id: String) throws -> [String: Any] { try #require(try resource(id)["Properties"] as? [String: Any]) }

        // The table as DynamoDBStateStore reads and writes it (and `firebreak store init` would create it).
        let table = try resource("StateTable")
        #expect(table["Type"] as? String == "AWS::DynamoDB::Table")
        // It holds the outbox: neither a stack deletion nor a replacement drops it.
        #expect(table["DeletionPolicy"] as? String == "Retain" && table["UpdateReplacePolicy"] as? String == "Retain")
        let p = try properties("StateTable")
        #expect(p["BillingMode"] as? String == "PAY_PER_REQUEST" && p["ProvisionedThroughput"] == nil)
        #expect(Self.text(p["KeySchema"]) == #"[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]"#)
        #expect(Self.text(p["AttributeDefinitions"]) == #"[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}]"#)
        #expect(p["GlobalSecondaryIndexes"] == nil && p["LocalSecondaryIndexes"] == nil)
        #expect(Self.text(p["TimeToLiveSpecification"]) == #"{"AttributeName":"expires_at","Enabled":true}"#)
        #expect(Self.text(p["PointInTimeRecoverySpecification"]) == #"{"PointInTimeRecoveryEnabled":true}"#)
        let sse = try #require(p["SSESpecification"] as? [String: Any])
        #expect(sse["SSEEnabled"] as? Bool == true && sse["SSEType"] as? String == "KMS")
        #expect(Self.text(sse["KMSMasterKeyId"]) == #"{"Fn::GetAtt":["FirebreakKey","Arn"]}"#)

        // Every task gets the table.
        let container = try #require((try properties("TaskDefinition")["ContainerDefinitions"] as? [[String: Any]])?.first)
        let environment = (container["Environment"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
            $0[$1["Name"] as? String ?? ""] = Self.text($1["Value"])
        }
        #expect(environment["FIREBREAK_STORE_BACKEND"] == "dynamodb")
        let tableVariables = ["FIREBREAK_DYNAMODB_TABLE", "FIREBREAK_STORE_DYNAMODB_TABLE"].filter { environment[$0] != nil }
        #expect(tableVariables.count == 1 && environment[tableVariables.first ?? ""] == #"{"Ref":"StateTable"}"#, "\(environment)")
        #expect(environment["FIREBREAK_STORE"] == nil, "a SQLite path beside the table")

        // More than one task, and autoscaling between DesiredCount and MaxCount on requests per task.
        let parameters = try #require(template["Parameters"] as? [String: Any])
        let desired = try #require(parameters["DesiredCount"] as? [String: Any])
        #expect(desired["Default"] as? Int == 2)
        #expect(Self.text(try properties("Service")["DesiredCount"]) == #"{"Ref":"DesiredCount"}"#)
        let targets = resources.filter { ($0.value as? [String: Any])?["Type"] as? String == "AWS::ApplicationAutoScaling::ScalableTarget" }
        #expect(targets.count == 1)
        let targetID = try #require(targets.keys.first)
        let target = try properties(targetID)
        #expect(target["ServiceNamespace"] as? String == "ecs" && target["ScalableDimension"] as? String == "ecs:service:DesiredCount")
        #expect(Self.text(target["ResourceId"]) == #"{"Fn::Sub":"service/${Cluster}/${Service.Name}"}"#)
        #expect(Self.text(target["MinCapacity"]) == #"{"Ref":"DesiredCount"}"#)
        let maxName = try #require((target["MaxCapacity"] as? [String: Any])?["Ref"] as? String)
        let maxDefault = try #require((parameters[maxName] as? [String: Any])?["Default"] as? Int)
        #expect(maxDefault > 2)
        // The service-linked role: no role of the stack's own to keep.
        #expect(target["RoleARN"] == nil)

        let policies = resources.filter { ($0.value as? [String: Any])?["Type"] as? String == "AWS::ApplicationAutoScaling::ScalingPolicy" }
        #expect(policies.count == 1)
        let scaling = try properties(try #require(policies.keys.first))
        #expect(scaling["PolicyType"] as? String == "TargetTrackingScaling")
        #expect(Self.text(scaling["ScalingTargetId"]) == #"{"Ref":"\#(targetID)"}"#)
        let tracking = try #require(scaling["TargetTrackingScalingPolicyConfiguration"] as? [String: Any])
        let metric = try #require(tracking["PredefinedMetricSpecification"] as? [String: Any])
        #expect(metric["PredefinedMetricType"] as? String == "ALBRequestCountPerTarget")
        #expect(Self.text(metric["ResourceLabel"])
                == #"{"Fn::Join":["/",[{"Fn::GetAtt":["LoadBalancer","LoadBalancerFullName"]},{"Fn::GetAtt":["TargetGroup","TargetGroupFullName"]}]]}"#)
        let targetValueName = try #require((tracking["TargetValue"] as? [String: Any])?["Ref"] as? String)
        #expect(((parameters[targetValueName] as? [String: Any])?["Default"] as? Int ?? 0) > 0)
        #expect((tracking["ScaleOutCooldown"] as? Int ?? 0) > 0 && (tracking["ScaleInCooldown"] as? Int ?? 0) > 0)
    }

    // MARK: helpers

    /// A name CloudFormation gives a table it names itself.
    static let sampleTableName = "firebreak-StateTable-1A2B3C4D5E6F7"

    /// `FIREBREAK_` + every key path of config/firebreak.yaml, and the short forms of ConfigurationLayers.
    /// The README prints the task role's policies in full: they must be the template's text, verbatim.
    @Test func readmePrintsTheTaskPolicyAsDeployed() throws {
        let template = try String(contentsOfFile: Self.stackPath, encoding: .utf8).components(separatedBy: "\n")
        let readme = try String(contentsOf: FirehoseFixture.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        func block(from start: String, to end: String) throws -> String {
            let first = try #require(template.firstIndex { $0.trimmingCharacters(in: .whitespaces) == start })
            let last = try #require(template[(first + 1)...].firstIndex { $0.hasPrefix(end) })
            var lines = Array(template[first..<last])
            while let tail = lines.last, tail.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
            let indent = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                .map { $0.prefix { $0 == " " }.count }.min() ?? 0
            return lines.map { $0.count >= indent ? String($0.dropFirst(indent)) : "" }.joined(separator: "\n")
        }
        let response = try block(from: "- PolicyName: firebreak-response", to: "  TaskRoleDescribe:")
        let describe = try block(from: "PolicyName: firebreak-describe", to: "  TaskDefinition:")
        #expect(response.contains("ec2:TerminateInstances") && describe.contains("ec2:DescribeInstances"))
        #expect(readme.contains("```yaml\n" + response + "\n```"), "README's task policy differs from docker/firebreak-stack.yaml")
        #expect(readme.contains("```yaml\n" + describe + "\n```"), "README's describe policy differs from docker/firebreak-stack.yaml")
    }

    static func configurationVariableNames() throws -> Set<String> {
        let root = FirehoseFixture.packageRoot
        let configuration = try StackTemplate.yaml(root.appendingPathComponent("config/firebreak.yaml").path)
        var names: Set<String> = []
        func walk(_ value: Any, _ path: [String]) {
            if let map = value as? [String: Any] {
                for (key, child) in map { walk(child, path + [key]) }
            } else {
                names.insert("FIREBREAK_" + path.joined(separator: "_").uppercased().replacingOccurrences(of: "-", with: "_"))
            }
        }
        walk(configuration, [])
        let layers = try String(contentsOf: root.appendingPathComponent("Sources/FirebreakServer/Configuration/ConfigurationLayers.swift"),
                                encoding: .utf8)
        let alias = try Regex(#""(FIREBREAK_[A-Z_]+)": ""#)
        for match in layers.matches(of: alias) { if let name = match.output[1].substring { names.insert(String(name)) } }
        return names
    }

    /// A plausible deployed value for an environment value of the template: parameter defaults, and samples for
    /// what only exists once deployed.
    static func sampleValue(_ value: Any?, template: [String: Any]) throws -> String {
        if let text = value as? String { return text }
        let map = try #require(value as? [String: Any])
        if let name = map["Ref"] as? String {
            let samples = ["AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
                           "AWS::StackName": "firebreak-test",
                           "AlertTopic": "arn:aws:sns:us-east-1:123456789012:firebreak-alerts",
                           "FlowLogGroup": "/firebreak/firebreak-test/vpc-flow-logs", "StateTable": sampleTableName,
                           // The variant with member accounts (its default, empty, turns them off).
                           "MemberRoleName": "FirebreakResponder"]
            if let sample = samples[name] { return sample }
            let parameter = try #require((template["Parameters"] as? [String: Any])?[name] as? [String: Any], "no sample for \(name)")
            return try #require(parameter["Default"].map { "\($0)" }, "parameter \(name) has no default")
        }
        if let arguments = map["Fn::FindInMap"] as? [String] {
            let mappings = template["Mappings"] as? [String: Any]
            let found = ((mappings?[arguments[0]] as? [String: Any])?[arguments[1]] as? [String: Any])?[arguments[2]]
            return try #require(found as? String)
        }
        if let join = map["Fn::Join"] as? [Any], let separator = join.first as? String, let parts = join.last as? [Any] {
            return try parts.map { try sampleValue($0, template: template) }.joined(separator: separator)
        }
        if let text = map["Fn::Sub"] as? String {
            // `${Name}` is a reference; anything else (`{account_id}`) stays as written.
            var out = ""
            var rest = Substring(text)
            while let open = rest.range(of: "${") {
                let close = try #require(rest[open.upperBound...].firstIndex(of: "}"), "unclosed ${ in \(text)")
                out += rest[..<open.lowerBound]
                out += try sampleValue(["Ref": String(rest[open.upperBound..<close])], template: template)
                rest = rest[rest.index(after: close)...]
            }
            return out + rest
        }
        Issue.record("no sample for \(map)")
        return ""
    }

    /// A JSON value as compact text (strings as they are), for comparisons and messages.
    static func text(_ value: Any?) -> String {
        guard let value else { return "" }
        if let string = value as? String { return string }
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }
}
