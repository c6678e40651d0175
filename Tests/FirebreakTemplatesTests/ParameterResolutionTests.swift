import FirebreakTemplates
import Testing

/// Checks see parameters at their `Default` or at the values given, mappings and pseudo parameters resolved.
@Suite struct ParameterResolutionTests {
    static let template = """
        Parameters:
          SSHLocation: {Type: String, Default: 0.0.0.0/0}
          NoDefault: {Type: String}
          Admins: {Type: CommaDelimitedList, Default: "10.0.0.0/8, 0.0.0.0/0"}
          Encrypt: {Type: String, Default: "false", AllowedValues: ["true", "false"]}
        Mappings:
          Net: {Office: {Cidr: 0.0.0.0/0}}
        Resources:
          Ssh:
            Type: AWS::EC2::SecurityGroup
            Properties:
              SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
              SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: {Ref: SSHLocation}}]
          Unknown:
            Type: AWS::EC2::SecurityGroup
            Properties:
              SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
              SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: {Ref: NoDefault}}]
          Mapped:
            Type: AWS::EC2::SecurityGroup
            Properties:
              SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
              SecurityGroupIngress:
                - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: {"Fn::FindInMap": [Net, Office, Cidr]}}
          Listed:
            Type: AWS::EC2::SecurityGroup
            Properties:
              SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
              SecurityGroupIngress:
                - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: {"Fn::Select": [1, {Ref: Admins}]}}
          Vol:
            Type: AWS::EC2::Volume
            Properties:
              Encrypted: {Ref: Encrypt}
        """

    static func ids(_ findings: [TemplateFinding], _ check: String) -> Set<String> {
        Set(findings.filter { $0.checkID == check }.map(\.logicalID))
    }

    @Test func defaultsAndMappingsAreChecked() throws {
        let findings = TemplateChecker.check(try Fixture.template(Self.template))
        #expect(Self.ids(findings, "FB-NET-002") == ["Ssh", "Mapped", "Listed"])
        #expect(Self.ids(findings, "FB-DATA-006") == ["Vol"])
    }

    @Test func givenValuesWinOverDefaults() throws {
        let findings = TemplateChecker.check(try Fixture.template(Self.template),
                                             parameters: ["SSHLocation": "10.1.0.0/16", "Encrypt": "true",
                                                          "NoDefault": "::/0", "Admins": "10.0.0.0/8,10.1.0.0/16"])
        #expect(Self.ids(findings, "FB-NET-002") == ["Mapped", "Unknown"])
        #expect(Self.ids(findings, "FB-DATA-006").isEmpty)
    }

    @Test func listParametersAreLists() throws {
        let template = try Fixture.template(Self.template)
        let resolver = TemplateResolver(template: template)
        #expect(resolver.reference("Admins") == .list([.string("10.0.0.0/8"), .string("0.0.0.0/0")]))
        #expect(TemplateResolver(template: template, parameters: ["Admins": "10.0.0.0/8"]).reference("Admins")
                == .list([.string("10.0.0.0/8")]))
        #expect(resolver.reference("Undeclared") == nil)
    }

    @Test func parameterFileForms() throws {
        let stack = try ParameterValues.parse(#"[{"ParameterKey": "A", "ParameterValue": "x"}, {"ParameterKey": "B", "UsePreviousValue": true}]"#)
        #expect(stack.values == ["A": "x"])
        #expect(try ParameterValues.parse(#"["A=x=y", "B="]"#).values == ["A": "x=y", "B": ""])
        #expect(try ParameterValues.parse(#"{"Parameters": {"A": "x", "N": 3}, "Tags": {"T": "v"}}"#).values == ["A": "x", "N": "3"])
        #expect(try ParameterValues.parse("A: x\nL: [a, b]\nF: true\n").values == ["A": "x", "L": "a,b", "F": "true"])
        #expect(try ParameterValues.parse("").values.isEmpty)
    }

    @Test func parameterFileErrorsSayWhat() throws {
        #expect(throws: CheckConfigurationError.self) { try ParameterValues.parse(#"[{"ParameterKey": "A"}]"#) }
        #expect(throws: CheckConfigurationError.self) { try ParameterValues.parse("[3]") }
        #expect(throws: CheckConfigurationError.self) { try ParameterValues.parse("A: {nested: map}") }
        #expect(throws: CheckConfigurationError.self) { try ParameterValues.parse("[unclosed") }
        #expect(throws: CheckConfigurationError.self) { try ParameterValues.pair("NoEquals") }
        let pair = try ParameterValues.pair("A=b=c")
        #expect(pair.name == "A" && pair.value == "b=c")
    }
}
