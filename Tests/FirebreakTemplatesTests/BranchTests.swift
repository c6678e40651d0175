import FirebreakTemplates
import Testing

@Suite struct BranchTests {
    static let template = """
        Conditions:
          IsProd: {"Fn::Equals": [{Ref: Env}, prod]}
        Resources:
          Vol:
            Type: AWS::EC2::Volume
            Properties:
              Encrypted: {"Fn::If": [IsProd, true, false]}
          Always:
            Type: AWS::EC2::Volume
            Properties:
              Encrypted: {"Fn::If": [IsProd, false, {Ref: "AWS::NoValue"}]}
          Sg:
            Type: AWS::EC2::SecurityGroup
            Properties:
              SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
              SecurityGroupIngress:
                - {"Fn::If": [IsProd, {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0},
                                      {IpProtocol: tcp, FromPort: "22", ToPort: "22", CidrIp: 0.0.0.0/0}]}
        """

    @Test func findingOnOneBranchCarriesItsLabel() throws {
        let findings = TemplateChecker.check(try Fixture.template(Self.template))
        let vol = try #require(findings.first { $0.logicalID == "Vol" && $0.checkID == "FB-DATA-006" })
        #expect(vol.branch == "IsProd: false")
        let always = try #require(findings.first { $0.logicalID == "Always" && $0.checkID == "FB-DATA-006" })
        #expect(always.branch == nil)
        let ssh = try #require(findings.first { $0.logicalID == "Sg" && $0.checkID == "FB-NET-002" })
        #expect(ssh.branch == "IsProd: false")
        #expect(ssh.line == 18)
        #expect(!findings.contains { $0.logicalID == "Sg" && $0.checkID != "FB-NET-002" })
    }

    @Test func twoConditionsAreCombined() throws {
        let template = try Fixture.resources("""
            Db:
              Type: AWS::RDS::DBInstance
              Properties:
                StorageEncrypted: {"Fn::If": [A, true, false]}
                PubliclyAccessible: {"Fn::If": [B, true, false]}
            """)
        let findings = TemplateChecker.check(template)
        #expect(findings.first { $0.checkID == "FB-DATA-007" }?.branch == "A: false, B: true | A: false, B: false")
        #expect(findings.first { $0.checkID == "FB-DATA-009" }?.branch == "A: true, B: true | A: false, B: true")
    }

    @Test func intrinsicValuesAreNotGuessed() throws {
        let template = try Fixture.resources("""
            Sg:
              Type: AWS::EC2::SecurityGroup
              Properties:
                SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
                SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: {Ref: AllowedCidr}}]
            """)
        #expect(TemplateChecker.check(template).isEmpty)
    }
}
