import FirebreakTemplates
import Testing

@Suite struct CheckReportTests {
    func finding(_ level: CheckLevel, suppressed: String? = nil) -> TemplateFinding {
        TemplateFinding(checkID: "FB-X-001", level: level, title: "t", message: "m", path: "a.yaml",
                        logicalID: "R", resourceType: "AWS::S3::Bucket", line: 3, fix: "f", suppressedBy: suppressed)
    }

    @Test func noFindingsExitsZero() {
        let report = CheckReport(files: ["a.yaml"], findings: [], checks: [])
        #expect(report.exitCode(failOn: .error) == 0)
        #expect(report.exitCode(failOn: .warning) == 0)
    }

    @Test func warningsFailOnlyWithFailOnWarning() {
        let report = CheckReport(files: ["a.yaml"], findings: [finding(.warning)], checks: [])
        #expect(report.failing(failOn: .error).isEmpty)
        #expect(report.exitCode(failOn: .error) == 0)
        #expect(report.failing(failOn: .warning).count == 1)
        #expect(report.exitCode(failOn: .warning) == 1)
    }

    @Test func errorsFailAtBothLevels() {
        let report = CheckReport(files: ["a.yaml"], findings: [finding(.error), finding(.warning)], checks: [])
        #expect(report.failing(failOn: .error).count == 1)
        #expect(report.failing(failOn: .warning).count == 2)
        #expect(report.exitCode(failOn: .error) == 1)
    }

    @Test func suppressedFindingsNeverFail() {
        let report = CheckReport(files: ["a.yaml"], findings: [finding(.error, suppressed: "accepted")], checks: [])
        #expect(report.failing(failOn: .warning).isEmpty)
        #expect(report.exitCode(failOn: .warning) == 0)
        #expect(report.summary.suppressed == 1)
        #expect(report.summary.findings == 0)
    }

    @Test func loadErrorExitsTwoEvenWithFailingFindings() {
        let report = CheckReport(files: ["a.yaml", "b.yaml"], loadErrors: [.init(path: "b.yaml", message: "bad")],
                                 findings: [finding(.error)], checks: [])
        #expect(report.exitCode(failOn: .error) == 2)
        #expect(ReporterFixture.report.exitCode(failOn: .warning) == 2)
    }

    @Test func fixtureSummary() {
        let summary = ReporterFixture.report.summary
        #expect(summary == CheckSummary(files: 3, findings: 2, errors: 1, warnings: 1, suppressed: 1, loadErrors: 1))
        #expect(summary.line == "3 templates checked, 2 findings (1 error, 1 warning), 1 suppressed, 1 load error")
    }
}
