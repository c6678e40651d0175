import Foundation
import Testing

/// `firebreak check` as a pipeline runs it: exit codes and output formats.
@Suite struct TemplateCheckCommandTests {
    static func write(_ text: String, _ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fb-cfn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static let openSSH = """
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          WebSecurityGroup:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: web
              SecurityGroupIngress:
                - IpProtocol: tcp
                  FromPort: 22
                  ToPort: 22
                  CidrIp: 0.0.0.0/0
        """

    @Test func exitCodesAndFormats() throws {
        let bad = try Self.write(Self.openSSH, "bad.yaml")
        let failing = try CommandResult.run(["check", bad.path])
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        #expect(failing.stdout.contains("FB-NET-002") && failing.stdout.contains("WebSecurityGroup"))

        let sarif = try CommandResult.run(["check", "--format", "sarif", bad.path])
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")

        let junit = try CommandResult.run(["check", "--format", "junit", bad.path])
        #expect(junit.stdout.contains("<testsuites"))

        let good = try Self.write(Self.openSSH.replacingOccurrences(of: "0.0.0.0/0", with: "10.0.0.0/16"), "good.yaml")
        let passing = try CommandResult.run(["check", "--fail-on", "error", good.path])
        #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")

        let broken = try Self.write("Resources: [unclosed\n", "broken.yaml")
        #expect(try CommandResult.run(["check", broken.path]).status == 2)
        #expect(try CommandResult.run(["check", "--list"]).stdout.contains("FB-IAM-001"))
    }

    static let parameterised = """
        AWSTemplateFormatVersion: "2010-09-09"
        Parameters:
          SSHLocation:
            Type: String
            Default: 0.0.0.0/0
        Resources:
          WebSecurityGroup:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: web
              SecurityGroupIngress:
                - IpProtocol: tcp
                  FromPort: 22
                  ToPort: 22
                  CidrIp: !Ref SSHLocation
        """

    @Test func parameterValuesReplaceDefaults() throws {
        let template = try Self.write(Self.parameterised, "stack.yaml")
        let byDefault = try CommandResult.run(["check", template.path])
        #expect(byDefault.status == 1 && byDefault.stdout.contains("FB-NET-002"), "\(byDefault.stdout)\(byDefault.stderr)")

        let given = try CommandResult.run(["check", "--parameter", "SSHLocation=10.20.0.0/16", template.path])
        #expect(given.status == 0, "\(given.stdout)\(given.stderr)")

        let file = try Self.write(#"[{"ParameterKey": "SSHLocation", "ParameterValue": "10.20.0.0/16"}]"#, "prod.json")
        let fromFile = try CommandResult.run(["check", "--parameters", file.path, template.path])
        #expect(fromFile.status == 0, "\(fromFile.stdout)\(fromFile.stderr)")
        // --parameter wins over the file.
        let overridden = try CommandResult.run(["check", "--parameters", file.path, "--parameter", "SSHLocation=0.0.0.0/0",
                                                template.path])
        #expect(overridden.status == 1)

        let unused = try CommandResult.run(["check", "--parameter", "Typo=1", template.path])
        #expect(unused.stderr.contains("Typo is not declared"))
        let malformed = try CommandResult.run(["check", "--parameter", "SSHLocation", template.path])
        #expect(malformed.status == 2 && malformed.stderr.contains("Name=Value"))
        let broken = try Self.write("[{ParameterKey: A}]", "broken.json")
        let brokenFile = try CommandResult.run(["check", "--parameters", broken.path, template.path])
        #expect(brokenFile.status == 2 && brokenFile.stderr.contains("no ParameterValue"))
    }
}
