import FirebreakTemplates
import Testing

@Suite struct SuppressionTests {
    static let template = """
        Quiet:
          Type: AWS::EC2::Volume
          Metadata:
            firebreak:
              skip:
                - {id: FB-DATA-006, reason: "scratch volume, no data"}
          Properties: {Size: 1}
        Noisy:
          Type: AWS::EC2::Volume
          Metadata:
            firebreak:
              skip:
                - id: FB-DATA-006
          Properties: {Size: 1}
        Other:
          Type: AWS::EC2::Volume
          Properties: {Size: 1}
        """

    @Test func skipWithReasonSuppresses() throws {
        let findings = TemplateChecker.check(try Fixture.resources(Self.template))
        let quiet = try #require(findings.first { $0.logicalID == "Quiet" && $0.checkID == "FB-DATA-006" })
        #expect(quiet.suppressedBy == "template: scratch volume, no data")
        #expect(findings.first { $0.logicalID == "Other" }?.suppressedBy == nil)
    }

    @Test func skipWithoutReasonIsReportedAndIgnored() throws {
        let findings = TemplateChecker.check(try Fixture.resources(Self.template))
        let noisy = try #require(findings.first { $0.logicalID == "Noisy" && $0.checkID == "FB-DATA-006" })
        #expect(noisy.suppressedBy == nil)
        let meta = findings.filter { $0.checkID == "FB-META-001" }
        #expect(meta.map(\.logicalID) == ["Noisy"])
        #expect(meta.first?.level == .error)
        #expect(meta.first?.resourceType == "AWS::EC2::Volume")
        #expect(meta.first?.line == 14)
    }

    static let exceptions = """
        - {id: FB-DATA-006, file: "templates/*.yaml", logical_id: Other, reason: "accepted by security, TICKET-1"}
        - {id: "FB-LOG-*", file: "other/**", reason: "not this file"}
        """

    @Test func exceptionsFileSuppresses() throws {
        let exceptions = try ExceptionsFile.parse(yaml: Self.exceptions)
        #expect(exceptions.entries.count == 2)
        let findings = TemplateChecker.check(try Fixture.resources(Self.template), exceptions: exceptions)
        #expect(findings.first { $0.logicalID == "Other" && $0.checkID == "FB-DATA-006" }?.suppressedBy
            == "exceptions: accepted by security, TICKET-1")
        #expect(findings.first { $0.logicalID == "Noisy" && $0.checkID == "FB-DATA-006" }?.suppressedBy == nil)
        // a template skip takes precedence
        #expect(findings.first { $0.logicalID == "Quiet" && $0.checkID == "FB-DATA-006" }?.suppressedBy?.hasPrefix("template:") == true)

        let elsewhere = TemplateChecker.check(try Fixture.resources(Self.template, path: "stacks/app.yaml"), exceptions: exceptions)
        #expect(elsewhere.first { $0.logicalID == "Other" && $0.checkID == "FB-DATA-006" }?.suppressedBy == nil)
    }

    @Test func exceptionPatterns() {
        let finding = TemplateFinding(checkID: "FB-NET-002", level: .error, title: "", message: "", path: "./infra/net/vpc.yaml",
                                      logicalID: "BastionSg", resourceType: "", line: 1, fix: "")
        #expect(ExceptionsFile.Entry(id: "FB-NET-002", reason: "r").matches(finding))
        #expect(ExceptionsFile.Entry(id: "FB-NET-*", file: "infra/**", reason: "r").matches(finding))
        #expect(ExceptionsFile.Entry(id: "FB-NET-002", file: "vpc.yaml", logicalID: "Bastion*", reason: "r").matches(finding))
        #expect(ExceptionsFile.Entry(id: "FB-NET-002", file: "**/vpc.yaml", reason: "r").matches(finding))
        #expect(!ExceptionsFile.Entry(id: "FB-NET-002", file: "infra/*.yaml", reason: "r").matches(finding))
        #expect(!ExceptionsFile.Entry(id: "FB-NET-001", reason: "r").matches(finding))
        #expect(!ExceptionsFile.Entry(id: "FB-NET-002", logicalID: "Web*", reason: "r").matches(finding))
    }

    @Test func exceptionsNeedAReason() {
        #expect(throws: CheckConfigurationError.self) { try ExceptionsFile.parse(yaml: "- {id: FB-NET-001, file: a.yaml}") }
        #expect(throws: CheckConfigurationError.self) { try ExceptionsFile.parse(yaml: "- {id: FB-NET-001, reason: '  '}") }
        #expect(throws: CheckConfigurationError.self) { try ExceptionsFile.parse(yaml: "id: FB-NET-001") }
        #expect((try? ExceptionsFile.parse(yaml: "exceptions:\n  - {id: FB-NET-001, reason: ok}"))?.entries.count == 1)
        #expect((try? ExceptionsFile.parse(yaml: ""))?.entries.isEmpty == true)
    }
}

@Suite struct CheckerTests {
    @Test func jsonTemplateRunsAllChecksInRegistryOrder() throws {
        let template = try Fixture.template("""
            {"Resources": {
              "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": "PublicRead"}},
              "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]}}
            }}
            """, path: "app.json")
        let findings = TemplateChecker.check(template)
        let ids = findings.map(\.checkID)
        // No FB-DATA-004: the bucket is encrypted with SSE-S3 by default; requiring KMS is opt-in (s3_require_kms).
        #expect(ids == ["FB-NET-002", "FB-NET-007", "FB-DATA-001", "FB-DATA-002", "FB-DATA-005", "FB-LOG-007"])
        #expect(findings.allSatisfy { $0.path == "app.json" && $0.suppressedBy == nil })
        let order = CheckRegistry.definitions.map(\.id)
        #expect(ids == ids.sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! })
    }

    @Test func suppressionEntriesArePublic() throws {
        let entries = TemplateChecker.suppressions(in: try Fixture.resources(SuppressionTests.template))
        #expect(entries.map(\.logicalID) == ["Quiet", "Noisy"])
        #expect(entries.map(\.reason) == ["scratch volume, no data", nil])
    }
}
