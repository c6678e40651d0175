import FirebreakTemplates
import Foundation
import FirebreakTestSupport

/// A fixed report for the golden tests: 2 files checked plus 1 that failed to load, 3 findings (one
/// suppressed, one on an `Fn::If` branch), 2 check definitions.
enum ReporterFixture {
    static let checks = [
        CheckDefinition(id: "FB-NET-001", title: "Security group open to the world", level: .error,
                        description: "An ingress rule allows 0.0.0.0/0 on an administrative port.",
                        fix: "Restrict CidrIp to a known range.", cfnNag: ["W2", "W9"], checkov: ["CKV_AWS_24"]),
        CheckDefinition(id: "FB-S3-002", title: "Bucket without versioning", level: .warning,
                        description: "The bucket keeps no previous versions of its objects.",
                        fix: "Set VersioningConfiguration.Status to Enabled.", checkov: ["CKV_AWS_21"]),
    ]

    static let report = CheckReport(
        files: ["templates/app.yaml", "templates/data.json", "templates/broken.yaml"],
        loadErrors: [.init(path: "templates/broken.yaml", message: "mapping values are not allowed here",
                           line: 4, column: 7)],
        findings: [
            TemplateFinding(checkID: "FB-S3-002", level: .warning, title: "Bucket without versioning",
                            message: "Bucket LogsBucket has no versioning", path: "templates/data.json",
                            logicalID: "LogsBucket", resourceType: "AWS::S3::Bucket", line: 9,
                            fix: "Set VersioningConfiguration.Status to Enabled.",
                            suppressedBy: "Metadata firebreak: logs are re-creatable"),
            TemplateFinding(checkID: "FB-NET-001", level: .error, title: "Security group open to the world",
                            message: "Ingress allows 0.0.0.0/0 on port 22 & <all> \"admin\" ports",
                            path: "templates/app.yaml", logicalID: "WebSG",
                            resourceType: "AWS::EC2::SecurityGroup", line: 12,
                            fix: "Restrict CidrIp to a known range."),
            TemplateFinding(checkID: "FB-S3-002", level: .warning, title: "Bucket without versioning",
                            message: "Bucket DataBucket has no versioning", path: "templates/app.yaml",
                            logicalID: "DataBucket", resourceType: "AWS::S3::Bucket", line: 30,
                            branch: "IsProd: false", fix: "Set VersioningConfiguration.Status to Enabled."),
        ],
        checks: checks)

    /// The golden files, in the source tree (Package.swift excludes the folder from the test target's sources).
    static let goldenDirectory = TestPaths.packageRoot.appendingPathComponent("Tests/FirebreakTemplatesTests/Golden")

    /// The content of golden file `Golden/<name>`; with `FIREBREAK_UPDATE_GOLDEN=1` in the environment,
    /// (re)writes it first.
    static func golden(_ name: String, actual: String) throws -> String {
        let url = goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["FIREBREAK_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: goldenDirectory, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
