import Foundation
import FirebreakTemplates
import Testing
import FirebreakTestSupport

@Suite struct ConfigurationTests {
    static let repository = TestPaths.packageRoot

    @Test func shippedFileIsTheDefault() throws {
        let loaded = try CheckConfiguration.load(path: Self.repository.appendingPathComponent("config/checks.yaml").path)
        #expect(loaded == CheckConfiguration.default)
    }

    @Test func parsesEveryKey() throws {
        let configuration = try CheckConfiguration.parse(yaml: """
            disabled: [FB-LOG-010]
            only: []
            levels: {FB-NET-005: error}
            admin_ports: [2222, "8443"]
            allowed_ingress_ports: [443]
            allowed_resource_types: ["AWS::S3::*"]
            denied_resource_types: ["AWS::IAM::User"]
            allowed_managed_policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
            denied_managed_policy_arns: ["*PowerUser*"]
            allowed_actions: ["s3:*"]
            denied_actions: ["iam:*"]
            allowed_policy_resources: ["arn:aws:s3:::app-*"]
            denied_policy_resources: ["*secret*"]
            deny_inline_policies: true
            logical_id_case: camel
            """)
        #expect(configuration.disabled == ["FB-LOG-010"])
        #expect(!configuration.isEnabled("FB-LOG-010") && configuration.isEnabled("FB-LOG-001"))
        #expect(configuration.levels == ["FB-NET-005": .error])
        #expect(configuration.adminPorts == [2222, 8443])
        #expect(configuration.allowedIngressPorts == [443])
        #expect(configuration.allowedResourceTypes == ["AWS::S3::*"] && configuration.deniedResourceTypes == ["AWS::IAM::User"])
        #expect(configuration.allowedManagedPolicyARNs.count == 1 && configuration.deniedManagedPolicyARNs == ["*PowerUser*"])
        #expect(configuration.allowedActions == ["s3:*"] && configuration.deniedActions == ["iam:*"])
        #expect(configuration.allowedPolicyResources == ["arn:aws:s3:::app-*"] && configuration.deniedPolicyResources == ["*secret*"])
        #expect(configuration.denyInlinePolicies && configuration.logicalIDCase == .camel)
    }

    @Test func rejectsUnknownKeysAndBadValues() {
        #expect(throws: CheckConfigurationError.self) { try CheckConfiguration.parse(yaml: "admin_port: [22]") }
        #expect(throws: CheckConfigurationError.self) { try CheckConfiguration.parse(yaml: "levels: {FB-NET-001: fatal}") }
        #expect(throws: CheckConfigurationError.self) { try CheckConfiguration.parse(yaml: "admin_ports: [ssh]") }
        #expect(throws: CheckConfigurationError.self) { try CheckConfiguration.parse(yaml: "logical_id_case: snake") }
        #expect(throws: CheckConfigurationError.self) { try CheckConfiguration.load(path: "/nonexistent/checks.yaml") }
    }

    static let template = """
        Db: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}], SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 2222, ToPort: 2222, CidrIp: 0.0.0.0/0}]}}
        """

    @Test func adminPortsAndLevelOverrides() throws {
        let template = try Fixture.resources(Self.template)
        let defaults = TemplateChecker.check(template)
        #expect(defaults.map(\.checkID) == ["FB-NET-005"])
        #expect(defaults.first?.level == .warning)

        var configuration = CheckConfiguration()
        configuration.adminPorts = [2222]
        #expect(TemplateChecker.check(template, configuration: configuration).map(\.checkID) == ["FB-NET-004"])

        configuration = CheckConfiguration()
        configuration.levels["FB-NET-005"] = .error
        #expect(TemplateChecker.check(template, configuration: configuration).first?.level == .error)

        configuration = CheckConfiguration()
        configuration.allowedIngressPorts = [2222]
        #expect(TemplateChecker.check(template, configuration: configuration).isEmpty)
    }

    @Test func disabledAndOnly() throws {
        let template = try Fixture.resources("Vol: {Type: AWS::EC2::Volume}\nlogs: {Type: AWS::Logs::LogGroup}")
        #expect(Set(TemplateChecker.check(template).map(\.checkID)) == ["FB-DATA-006", "FB-LOG-010", "FB-POL-001"])
        var configuration = CheckConfiguration()
        configuration.disabled = ["FB-POL-001", "FB-LOG-010"]
        #expect(TemplateChecker.check(template, configuration: configuration).map(\.checkID) == ["FB-DATA-006"])
        configuration = CheckConfiguration()
        configuration.only = ["FB-LOG-010"]
        #expect(TemplateChecker.check(template, configuration: configuration).map(\.logicalID) == ["logs"])
        configuration = CheckConfiguration()
        configuration.logicalIDCase = .any
        #expect(!TemplateChecker.check(template, configuration: configuration).contains { $0.checkID == "FB-POL-001" })
    }
}
