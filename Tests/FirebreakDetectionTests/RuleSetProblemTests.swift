import Foundation
import Testing
@testable import FirebreakDetection

/// A rule set with a duplicate id or an emptied file is broken like any other: refused at start, and a reload
/// keeps the rules in force.
@Suite struct RuleSetProblemTests {
    static func rule(id: String, title: String) -> String {
        """
        title: \(title)
        id: \(id)
        logsource:
            product: aws
            service: cloudtrail
        detection:
            selection:
                eventName: StopLogging
            condition: selection
        level: high
        """
    }

    static func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    @Test func duplicateIDsAreAProblem() throws {
        let url = try Self.folder(["a.yml": Self.rule(id: "11111111-2222-3333-4444-555555555555", title: "one"),
                                   "b.yml": Self.rule(id: "11111111-2222-3333-4444-555555555555", title: "two")])
        defer { try? FileManager.default.removeItem(at: url) }
        let (_, report) = DetectionEngine.load(DetectionSources(rulePaths: [url.path]))
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.description.contains("duplicate rule id 11111111-2222-3333-4444-555555555555") == true)
        #expect(throws: DetectionLoadError.self) { try DetectionEngine(sources: DetectionSources(rulePaths: [url.path])) }
    }

    @Test(arguments: ["", "# every rule was deleted\n"])
    func anEmptyRuleFileIsAProblem(_ text: String) throws {
        let url = try Self.folder(["a.yml": Self.rule(id: "a1", title: "one"), "empty.yml": text])
        defer { try? FileManager.default.removeItem(at: url) }
        let (_, report) = DetectionEngine.load(DetectionSources(rulePaths: [url.path]))
        #expect(report.problems.contains { $0.description.contains("empty.yml") && $0.description.contains("holds no rule") },
                "\(report.problems)")
    }

    @Test func aReloadWithADuplicateKeepsTheRulesInForce() throws {
        let url = try Self.folder(["a.yml": Self.rule(id: "a1", title: "one")])
        defer { try? FileManager.default.removeItem(at: url) }
        let engine = try DetectionEngine(sources: DetectionSources(rulePaths: [url.path]))
        try Self.rule(id: "a1", title: "copy").write(to: url.appendingPathComponent("b.yml"), atomically: true, encoding: .utf8)
        let report = engine.reload()
        #expect(!report.applied)
        #expect(engine.ruleSet.rules.count == 1)
        try "".write(to: url.appendingPathComponent("b.yml"), atomically: true, encoding: .utf8)
        #expect(!engine.reload().applied)
        try FileManager.default.removeItem(at: url.appendingPathComponent("b.yml"))
        #expect(engine.reload().applied)
    }
}
