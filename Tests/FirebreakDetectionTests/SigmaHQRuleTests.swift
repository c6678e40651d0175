import FirebreakLogs
import Foundation
import Testing
import Yams
@testable import FirebreakDetection

/// SigmaHQ's AWS CloudTrail rules, unmodified: they load, compile, and match what they describe.
@Suite struct SigmaHQRuleTests {
    static func ruleFiles(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func load(_ name: String) throws -> SigmaRule {
        let url = SigmaTestSupport.sigmaHQCloudTrail.appendingPathComponent(name)
        return try SigmaTestSupport.rule(try String(contentsOf: url, encoding: .utf8), source: url.lastPathComponent)
    }

    static func compiled(_ name: String) throws -> CompiledRule {
        try RuleCompiler().compile(try load(name))
    }

    @Test func everyCloudTrailRuleLoadsAndCompiles() throws {
        let files = try Self.ruleFiles(in: SigmaTestSupport.sigmaHQCloudTrail)
        #expect(files.count >= 57)
        var compiled = 0
        for file in files {
            let yaml = try String(contentsOf: file, encoding: .utf8)
            for node in try Yams.compose_all(yaml: yaml) {
                let rule = try SigmaRule.parse(node, source: file.lastPathComponent)
                #expect(rule.logsource.covers(.cloudTrail), "\(file.lastPathComponent)")
                #expect(rule.level != nil, "\(file.lastPathComponent)")
                _ = try RuleCompiler().compile(rule)
                compiled += 1
            }
        }
        #expect(compiled == files.count)
    }

    @Test func placeholderRuleNeedsItsPlaceholders() throws {
        let files = try Self.ruleFiles(in: SigmaTestSupport.sigmaHQPlaceholder)
        #expect(files.count == 1)
        let rule = try SigmaTestSupport.rule(try String(contentsOf: files[0], encoding: .utf8), source: files[0].lastPathComponent)

        #expect {
            _ = try RuleCompiler().compile(rule)
        } throws: { error in
            guard let error = error as? RuleError else { return false }
            return error.kind == .unknownPlaceholder && error.message.contains("%Legitimate_Countries%")
                && error.source.contains(files[0].lastPathComponent)
        }

        let bound = StaticPlaceholders([
            "Legitimate_Countries": .values(["DE", "FR"]),
            "Legitimate_IP_Ranges": .addresses(try IPSet(parsing: ["198.51.100.0/24"])),
        ])
        let compiled = try RuleCompiler(placeholders: bound).compile(rule)
        func login(country: String, ip: String) throws -> DetectionEvent {
            try SigmaTestSupport.cloudTrail("""
                {"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","src_country":"\(country)",
                 "src_ip":"\(ip)","responseElements":{"ConsoleLogin":"Success"}}
                """)
        }
        #expect(compiled.matches(try login(country: "BR", ip: "203.0.113.5")))
        #expect(!compiled.matches(try login(country: "de", ip: "203.0.113.5")))
        #expect(!compiled.matches(try login(country: "BR", ip: "198.51.100.7")))
    }
}
