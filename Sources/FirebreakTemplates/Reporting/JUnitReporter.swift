import Foundation

/// JUnit XML for CI test views: one `<testsuite>` per file (named by its path); one `<testcase>` per
/// finding (`<failure>` when it fails at `failOn`, `<skipped>` when suppressed, passing otherwise), an
/// `<error>` test case for a template that could not be loaded, and one passing test case for a file
/// with neither.
public enum JUnitReporter {
    public static func render(_ report: CheckReport, failOn: CheckLevel = .error) -> String {
        let findings = report.ordered(report.findings)
        var suites: [String] = []
        var totals = (tests: 0, failures: 0, errors: 0, skipped: 0)
        for path in report.allPaths {
            var cases: [String] = []
            var counts = (failures: 0, errors: 0, skipped: 0)
            for error in report.loadErrors where error.path == path {
                counts.errors += 1
                cases.append(testcase(path, "load", body:
                    "<error message=\"\(error.message.xmlEscaped)\" type=\"LoadError\">\(error.location.xmlEscaped): \(error.message.xmlEscaped)</error>"))
            }
            for finding in findings where finding.path == path {
                let name = "\(finding.checkID) \(finding.logicalID)"
                let detail = detailText(finding).xmlEscaped
                if let reason = finding.suppressedBy {
                    counts.skipped += 1
                    cases.append(testcase(path, name, body: "<skipped message=\"suppressed: \(reason.xmlEscaped)\"/>"))
                } else if finding.level >= failOn {
                    counts.failures += 1
                    cases.append(testcase(path, name, body:
                        "<failure message=\"\(finding.message.xmlEscaped)\" type=\"\(finding.level.rawValue)\">\(detail)</failure>"))
                } else {
                    cases.append(testcase(path, name, body: "<system-out>\(detail)</system-out>"))
                }
            }
            if cases.isEmpty { cases.append(testcase(path, "firebreak check", body: nil)) }
            totals.tests += cases.count
            totals.failures += counts.failures
            totals.errors += counts.errors
            totals.skipped += counts.skipped
            suites.append("  <testsuite name=\"\(path.xmlEscaped)\" tests=\"\(cases.count)\" failures=\"\(counts.failures)\" "
                          + "errors=\"\(counts.errors)\" skipped=\"\(counts.skipped)\">\n"
                          + cases.joined() + "  </testsuite>\n")
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"firebreak check\" tests=\"\(totals.tests)\" failures=\"\(totals.failures)\" "
            + "errors=\"\(totals.errors)\" skipped=\"\(totals.skipped)\">\n"
            + suites.joined()
            + "</testsuites>\n"
    }

    static func testcase(_ path: String, _ name: String, body: String?) -> String {
        let open = "    <testcase classname=\"\(path.xmlEscaped)\" name=\"\(name.xmlEscaped)\""
        guard let body else { return open + "/>\n" }
        return open + ">\n      " + body + "\n    </testcase>\n"
    }

    /// The text reporter's entry for the finding, lines joined.
    static func detailText(_ finding: TemplateFinding) -> String {
        TextReporter.entry(finding).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
    }
}
