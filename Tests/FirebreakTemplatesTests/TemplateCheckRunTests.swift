import FirebreakTemplates
import Foundation
import Testing

/// `firebreak check` over a repository folder that holds more than templates.
@Suite struct TemplateCheckRunTests {
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

    static let buildspec = """
        version: 0.2
        phases:
          build:
            commands:
              - swift build -c release
        artifacts:
          files:
            - .build/release/firebreak
        """

    /// A Deployment and a Service in one file, as `kubectl apply -f` takes them.
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
                - name: web
                  image: nginx:1.27
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            app: web
          ports:
            - port: 80
        """

    static let lambdaEvent = #"{"key1": "value1", "key2": "value2", "key3": "value3"}"#
    static let packageJSON = #"{"name": "site", "version": "1.0.0", "scripts": {"build": "tsc"}, "devDependencies": {"typescript": "^5.4.0"}}"#

    /// A folder `infra/` with one template with a finding and four files that are not CloudFormation.
    static func repository() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fb-run-\(UUID().uuidString)")
        let files = ["infra/stack.yaml": openSSH, "buildspec.yml": buildspec, "k8s/deployment.yaml": deployment,
                     "events/event.json": lambdaEvent, "package.json": packageJSON]
        for (name, text) in files {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test func folderWalkSkipsFilesThatAreNotCloudFormation() throws {
        let root = try Self.repository()
        defer { try? FileManager.default.removeItem(at: root) }
        let report = TemplateCheckRun().run(paths: [root.path]).report
        #expect(report.exitCode(failOn: .error) == 1, "\(report.loadErrors)")
        #expect(report.loadErrors.isEmpty)
        #expect(report.files == [root.appendingPathComponent("infra/stack.yaml").path])
        #expect(report.findings.map(\.checkID).contains("FB-NET-002"))
        let skipped = report.skipped.map { String($0.dropFirst(root.path.count + 1)) }
        #expect(skipped == ["buildspec.yml", "events/event.json", "k8s/deployment.yaml", "package.json"])
        #expect(report.summary.skipped == 4)
        #expect(report.summary.line.hasPrefix("1 template checked, "))
        #expect(report.summary.line.hasSuffix(", 4 files skipped (not CloudFormation)"))
    }

    @Test func verboseTextListsTheSkippedFiles() throws {
        let root = try Self.repository()
        defer { try? FileManager.default.removeItem(at: root) }
        let report = TemplateCheckRun().run(paths: [root.path]).report
        let quiet = TextReporter.render(report)
        let verbose = TextReporter.render(report, verbose: true)
        #expect(!quiet.contains("package.json"))
        #expect(quiet.contains("4 files skipped (not CloudFormation)"))
        #expect(verbose.contains("Skipped (not CloudFormation):\n    \(root.path)/buildspec.yml\n"))
        #expect(verbose.contains("    \(root.path)/package.json\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReporter.render(report).utf8)) as? [String: Any])
        #expect((json["skipped"] as? [String])?.count == 4)
        #expect((json["summary"] as? [String: Any])?["skipped"] as? Int == 4)
    }

    @Test func anExplicitlyNamedNonTemplateIsALoadError() throws {
        let root = try Self.repository()
        defer { try? FileManager.default.removeItem(at: root) }
        let buildspec = root.appendingPathComponent("buildspec.yml").path
        let report = TemplateCheckRun().run(paths: [buildspec]).report
        #expect(report.exitCode(failOn: .error) == 2)
        #expect(report.skipped.isEmpty)
        let error = try #require(report.loadErrors.first)
        #expect(error.path == buildspec)
        #expect(error.message.contains("not a CloudFormation template"))
        #expect(error.message.contains("no Resources, AWSTemplateFormatVersion or Transform"))
        // Standard input is named explicitly too.
        let stdin = TemplateCheckRun().run(paths: ["-"], standardInput: { Self.buildspec }).report
        #expect(stdin.exitCode(failOn: .error) == 2 && stdin.skipped.isEmpty)
    }

    @Test func malformedFilesInAFolderStayLoadErrors() throws {
        let root = try Self.repository()
        defer { try? FileManager.default.removeItem(at: root) }
        try "Resources: [unclosed\n".write(to: root.appendingPathComponent("infra/broken.yaml"), atomically: true, encoding: .utf8)
        let report = TemplateCheckRun().run(paths: [root.path]).report
        #expect(report.exitCode(failOn: .error) == 2)
        #expect(report.loadErrors.map(\.path) == [root.appendingPathComponent("infra/broken.yaml").path])
        #expect(report.skipped.count == 4)
        #expect(report.files.contains(root.appendingPathComponent("infra/broken.yaml").path))
    }

    @Test func wellFormedNonTemplatesOfEveryShapeAreSkippedInAFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fb-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // A list, a scalar, an empty file, and a non-template with a short-form tag that is no intrinsic.
        let files = ["list.json": "[1, 2]", "scalar.yaml": "just text\n", "empty.yml": "",
                     "tagged.yaml": "image: !Sub not-a-template\nsecret: !vault abc\n"]
        for (name, text) in files {
            try text.write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let report = TemplateCheckRun().run(paths: [root.path]).report
        #expect(report.loadErrors.isEmpty, "\(report.loadErrors)")
        #expect(report.skipped.count == 4)
        #expect(report.exitCode(failOn: .warning) == 0)
        #expect(report.summary.line.hasPrefix("0 templates checked, "))
    }

    /// Duplicate keys make YAML malformed (YAML 1.2 requires unique keys): a load error, template or not.
    @Test func duplicateKeysAreALoadErrorInAFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fb-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try "Resources:\n  A:\n    Type: AWS::SNS::Topic\n  A:\n    Type: AWS::SNS::Topic\n"
            .write(to: root.appendingPathComponent("dup.yaml"), atomically: true, encoding: .utf8)
        try "name: a\nname: b\n".write(to: root.appendingPathComponent("other.yaml"), atomically: true, encoding: .utf8)
        let report = TemplateCheckRun().run(paths: [root.path]).report
        #expect(report.exitCode(failOn: .error) == 2)
        #expect(report.loadErrors.map { ($0.path as NSString).lastPathComponent } == ["dup.yaml", "other.yaml"])
        #expect(report.skipped.isEmpty)
    }
}
