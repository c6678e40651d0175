import FirebreakTemplates
import Testing

/// Each reporter's rendering of `ReporterFixture.report`, compared with `Golden/`.
/// Regenerate with `FIREBREAK_UPDATE_GOLDEN=1 swift test --filter GoldenReporterTests` and review the diff.
@Suite struct GoldenReporterTests {
    let report = ReporterFixture.report

    @Test func text() throws {
        let actual = TextReporter.render(report)
        #expect(actual == (try ReporterFixture.golden("report.txt", actual: actual)))
    }

    @Test func json() throws {
        let actual = JSONReporter.render(report)
        #expect(actual == (try ReporterFixture.golden("report.json", actual: actual)))
    }

    @Test func sarif() throws {
        let actual = SARIFReporter.render(report, toolVersion: "1.2.3", informationURI: "https://example.com/firebreak")
        #expect(actual == (try ReporterFixture.golden("report.sarif", actual: actual)))
    }

    @Test func junit() throws {
        let actual = JUnitReporter.render(report, failOn: .error)
        #expect(actual == (try ReporterFixture.golden("report.junit.xml", actual: actual)))
    }
}
