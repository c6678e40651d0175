import FirebreakAWS
import FirebreakDetection
import FirebreakLogs
import Testing
@testable import FirebreakResponse

/// The example playbooks for changes made outside the deployment pipeline (config/playbooks-handchange.example.yaml)
/// on findings the built-in `change_outside_pipeline_*` rules make from CloudTrail records.
@Suite struct HandChangePlaybookTests {
    static let playbooks: PlaybookSet = try! PlaybookSet.load(path: Fixtures.root + "/config/playbooks-handchange.example.yaml")
    let planner = ResponsePlanner(playbooks: HandChangePlaybookTests.playbooks, mode: .enforce)

    static let ingressByHand = "4e1d4efe-734f-47be-9221-5c2f2a676482"
    static let iamByHand = "5599a8fa-068c-4e9b-bb83-8f933df6c132"

    /// SSH from one home address and PostgreSQL from a peer group: neither is open to the world.
    static let narrowRequest = """
        {"groupId":"sg-0a1b2c3d4e5f60718","ipPermissions":{"items":[
          {"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"198.51.100.23/32","description":"home"}]},
           "ipv6Ranges":{},"prefixListIds":{}},
          {"ipProtocol":"tcp","fromPort":5432,"toPort":5432,"groups":{"items":[{"groupId":"sg-0fedcba9876543210","userId":"123456789012"}]},
           "ipRanges":{},"ipv6Ranges":{},"prefixListIds":{}}]}}
        """

    /// `Fixtures.cloudTrail` (an IAM user's access key) with `userIdentity` and `invokedBy` replaced.
    static func record(eventSource: String = "ec2.amazonaws.com", eventName: String = "AuthorizeSecurityGroupIngress",
                       requestParameters: String = narrowRequest, identity: String? = nil) -> String {
        var json = Fixtures.cloudTrail(eventSource: eventSource, eventName: eventName, requestParameters: requestParameters,
                                       responseElements: #"{"_return":true}"#)
        if let identity {
            let start = json.range(of: #""userIdentity":"#)!.upperBound
            let end = json.range(of: #""eventTime""#)!.lowerBound
            json.replaceSubrange(start..<end, with: identity + ",\n ")
        }
        return json
    }

    @Test func exampleFileLoads() {
        #expect(Self.playbooks.playbooks.map(\.name) == ["change-outside-pipeline-alert", "hand-added-ingress-revoke"])
    }

    @Test func ingressAddedByHandIsAlertedAndRevokedExactly() throws {
        let finding = try Fixtures.finding(Self.ingressByHand, cloudTrail: Self.record())
        #expect(finding.resource.type == "security-group" && finding.resource.id == "sg-0a1b2c3d4e5f60718")
        let plan = planner.plan(finding)
        #expect(plan.map(\.playbook) == ["change-outside-pipeline-alert", "hand-added-ingress-revoke"])
        #expect(plan.map(\.step.kind) == [.alert, .revokeIngress])
        let revoke = plan[1]
        #expect(revoke.resourceType == "security-group" && revoke.resourceID == "sg-0a1b2c3d4e5f60718")
        #expect(try Fixtures.permissions(revoke) == [
            EC2IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("198.51.100.23/32", description: "home")]),
            EC2IpPermission(ipProtocol: "tcp", fromPort: 5432, toPort: 5432,
                            groupIds: ["sg-0fedcba9876543210"]),
        ])
        // The revoke is scoped: a group tagged firebreak:allow-hand-changes=true is read from EC2 and left alone.
        #expect(Self.playbooks.playbooks[1].scope.exclude.tags == ["firebreak:allow-hand-changes": "true"])
    }

    @Test func theSameChangeByCloudFormationOrAPipelineRolePlansNothing() throws {
        let cloudFormation = Self.record(identity: """
            {"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012",
             "userName":"alice","invokedBy":"cloudformation.amazonaws.com"}
            """)
        let pipeline = Self.record(identity: """
            {"type":"AssumedRole","principalId":"AROAEXAMPLE:codebuild","arn":"arn:aws:sts::123456789012:assumed-role/Deploy/codebuild",
             "accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE",
             "arn":"arn:aws:iam::123456789012:role/Deploy","accountId":"123456789012","userName":"Deploy"},
             "attributes":{"creationDate":"2026-11-30T10:00:00Z","mfaAuthenticated":"false"}}}
            """)
        for json in [cloudFormation, pipeline] {
            let findings = try Fixtures.findings(cloudTrail: json)
            #expect(!findings.contains { $0.ruleID == Self.ingressByHand })
            #expect(findings.flatMap { planner.plan($0) }.isEmpty, "\(findings.map(\.ruleID))")
        }
    }

    @Test func otherChangesByHandAreAlertedOnly() throws {
        let json = Self.record(eventSource: "iam.amazonaws.com", eventName: "AttachRolePolicy",
                               requestParameters: #"{"roleName":"app","policyArn":"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}"#)
        let finding = try Fixtures.finding(Self.iamByHand, cloudTrail: json)
        let plan = planner.plan(finding)
        #expect(plan.map(\.step.kind) == [.alert])
        #expect(plan[0].playbook == "change-outside-pipeline-alert")
    }
}
