import FirebreakDetection
import FirebreakLogs
import Testing
@testable import FirebreakResponse

/// The example GuardDuty/DNS playbooks (config/playbooks-guardduty.example.yaml) on findings the built-in rules make
/// from GuardDuty Finding events and Route 53 Resolver query log records.
@Suite struct GuardDutyPlaybookTests {
    static let playbooks: PlaybookSet = try! PlaybookSet.load(path: Fixtures.root + "/config/playbooks-guardduty.example.yaml")
    let planner = ResponsePlanner(playbooks: GuardDutyPlaybookTests.playbooks, mode: .enforce)

    static let compromise = "2b58e546-1624-4045-8777-b7b1f34da0f7"
    static let high = "079888a8-f871-415e-bab3-41751ef2ae7f"
    static let knownBadDomain = "caab837b-30c3-4bee-8ccd-c747b57f54ed"

    static func guardDuty(type: String, severity: Double, resource: String) -> String {
        #"{"version":"0","id":"c8a6e2f1-0a1b-4c2d-9e3f-405162738495","detail-type":"GuardDuty Finding","source":"aws.guardduty","account":"123456789012","time":"2026-12-01T10:00:10Z","region":"us-east-1","resources":[],"detail":{"schemaVersion":"2.0","accountId":"123456789012","region":"us-east-1","partition":"aws","id":"5cbe9a1b2c3d4e5f60718293a4b5c6d7","arn":"arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0/finding/5cbe9a1b2c3d4e5f60718293a4b5c6d7","type":"\#(type)","resource":\#(resource),"service":{"serviceName":"guardduty","detectorId":"12abc34d567e8fa901bc2d34e56789f0","action":{"actionType":"NETWORK_CONNECTION"},"resourceRole":"ACTOR","archived":false,"count":1},"severity":\#(severity),"createdAt":"2026-12-01T10:00:05.000Z","updatedAt":"2026-12-01T10:00:05.000Z","title":"t","description":"d"}}"#
    }

    static let instance = #"{"resourceType":"Instance","instanceDetails":{"instanceId":"i-0123456789abcdef0","networkInterfaces":[{"networkInterfaceId":"eni-0a1b2c3d4e5f60718","vpcId":"vpc-0f1e2d3c4b5a69788","subnetId":"subnet-0a9b8c7d6e5f40312"}]}}"#

    static func findings(_ text: String) throws -> [Finding] {
        let decoded = try RecordDecoder().decode(record: Array(text.utf8), index: 0)
        return Fixtures.ruleSet.evaluate(decoded.events.map { DetectionEvent($0, network: Fixtures.network) })
    }

    @Test func exampleFileLoads() {
        #expect(Self.playbooks.playbooks.map(\.name) == ["guardduty-compromised-instance", "dns-known-bad-instance", "guardduty-high-alert"])
        #expect(Self.playbooks.playbooks[0].match.logSource == "guardduty")
        #expect(Self.playbooks.playbooks[0].match.level == .high)
    }

    @Test(arguments: ["UnauthorizedAccess:EC2/TorClient", "CryptoCurrency:EC2/BitcoinTool.B!DNS"])
    func compromisedInstanceIsSnapshottedIsolatedAndReported(type: String) throws {
        let findings = try Self.findings(Self.guardDuty(type: type, severity: 8, resource: Self.instance))
        let finding = try #require(findings.first { $0.ruleID == Self.compromise }, "\(findings.map(\.ruleID))")
        #expect(finding.resource.type == "instance" && finding.resource.id == "i-0123456789abcdef0")
        #expect(finding.logSource.service == "guardduty")
        let plan = planner.plan(finding)
        let contain = plan.filter { $0.playbook == "guardduty-compromised-instance" }
        #expect(contain.map(\.step.kind) == [.snapshot, .isolate, .alert])
        #expect(contain.allSatisfy { $0.resourceType == "instance" && $0.resourceID == "i-0123456789abcdef0" })
        #expect(contain[0].idempotencyKey == "snapshot|instance|i-0123456789abcdef0")
        let alert = try Fixtures.payload(contain[2])
        #expect(alert["subject"]?.stringValue?.contains("i-0123456789abcdef0 is compromised") == true)
        // The same event also raises the severity rule, which only alerts.
        let severity = try #require(findings.first { $0.ruleID == Self.high })
        #expect(planner.plan(severity).map(\.step.kind) == [.alert])
    }

    @Test func lowerSeverityOrOtherTypesAreNotContained() throws {
        // A medium-severity finding of a type that is not an instance compromise: no rule the example playbooks
        // answer matches, so nothing is planned.
        let medium = try Self.findings(Self.guardDuty(type: "UnauthorizedAccess:EC2/SSHBruteForce", severity: 5, resource: Self.instance))
        #expect(!medium.contains { $0.ruleID == Self.compromise || $0.ruleID == Self.high })
        #expect(medium.flatMap { planner.plan($0) }.isEmpty)
        // A high finding on an access key: alerted, nothing contained.
        let key = try Self.findings(Self.guardDuty(type: "UnauthorizedAccess:IAMUser/MaliciousIPCaller", severity: 8,
                                                   resource: #"{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":"AKIAIOSFODNN7EXAMPLE"}}"#))
        let plan = key.flatMap { planner.plan($0) }
        #expect(plan.map(\.step.kind) == [.alert])
        #expect(plan.first?.resourceType == "access-key" && plan.first?.resourceID == "AKIAIOSFODNN7EXAMPLE")
    }

    @Test func knownBadDomainQueryIsContained() throws {
        let record = #"{"version":"1.100000","account_id":"123456789012","region":"us-east-1","vpc_id":"vpc-0f1e2d3c4b5a69788","query_timestamp":"2026-12-01T10:00:00Z","query_name":"c2.evil.example.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"192.0.2.10","Type":"A","Class":"IN"}],"srcaddr":"10.0.1.5","srcport":"56067","transport":"UDP","srcids":{"instance":"i-0123456789abcdef0"}}"#
        let finding = try #require(try Self.findings(record).first { $0.ruleID == Self.knownBadDomain })
        let plan = planner.plan(finding)
        #expect(plan.map(\.step.kind) == [.snapshot, .isolate, .alert])
        #expect(plan.allSatisfy { $0.resourceID == "i-0123456789abcdef0" })
    }
}
