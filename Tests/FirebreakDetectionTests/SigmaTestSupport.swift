import FirebreakLogs
import Foundation
import Yams
@testable import FirebreakDetection
import FirebreakTestSupport

/// Helpers shared by the Sigma tests: rule text to compiled rules, and events from log text.
enum SigmaTestSupport {
    static let testdata: URL = TestPaths.sharedTestdata

    static let sigmaHQCloudTrail = testdata.appendingPathComponent("sigma/sigmahq/rules/cloud/aws/cloudtrail")
    static let sigmaHQPlaceholder = testdata.appendingPathComponent("sigma/sigmahq/rules-placeholder/cloud/aws/cloudtrail")

    /// The rule documents of a YAML text (no correlation documents expected here).
    static func rules(yaml: String, source: String = "test.yml") throws -> [SigmaRule] {
        var out: [SigmaRule] = []
        for node in try Yams.compose_all(yaml: yaml) {
            out.append(try SigmaRule.parse(node, source: source))
        }
        return out
    }

    static func rule(_ yaml: String, source: String = "test.yml") throws -> SigmaRule {
        let all = try rules(yaml: yaml, source: source)
        guard all.count == 1 else { throw RuleError(.invalidRule, source: source, "expected one document") }
        return all[0]
    }

    static func compile(_ yaml: String, placeholders: StaticPlaceholders = StaticPlaceholders()) throws -> CompiledRule {
        try RuleCompiler(placeholders: placeholders).compile(try rule(yaml))
    }

    /// A CloudTrail rule with the given detection body (indented by four spaces inside `detection:`).
    static func cloudTrailRule(_ detection: String) -> String {
        """
        title: test
        id: test-rule
        logsource:
            product: aws
            service: cloudtrail
        detection:
        \(detection.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
        level: high
        """
    }

    static func cloudTrail(_ json: String) throws -> DetectionEvent {
        let record = CloudTrailRecord(record: try JSONParser().parse(json), envelope: .bare)
        return DetectionEvent(DecodedEvent(event: .cloudTrail(record), context: LogContext(recordIndex: 0)))
    }

    static func flow(_ line: String, format: String? = nil, network: NetworkContext = NetworkContext()) throws -> DetectionEvent {
        let parser = try format.map { FlowLogParser(format: try FlowLogFormat(parsing: $0)) } ?? FlowLogParser()
        return DetectionEvent(DecodedEvent(event: .flow(try parser.parse(line)), context: LogContext(recordIndex: 0)), network: network)
    }
}
