/// The human-readable report: load errors, then findings grouped by file, then suppressed findings
/// with their reason, then (verbose) the files skipped as not CloudFormation, then the summary line.
///
///     app.yaml:12: ERROR FB-NET-001 WebSG (AWS::EC2::SecurityGroup): message
///         when: IsProd: true
///         fix: the fix hint
public enum TextReporter {
    public static func render(_ report: CheckReport, verbose: Bool = false) -> String {
        var lines: [String] = []
        for error in report.loadErrors {
            lines.append("\(error.location): LOAD ERROR \(error.message)")
        }
        if !report.loadErrors.isEmpty { lines.append("") }

        let active = report.ordered(report.active)
        for path in report.allPaths {
            let group = active.filter { $0.path == path }
            guard !group.isEmpty else { continue }
            for finding in group { lines += entry(finding) }
            lines.append("")
        }

        let suppressed = report.ordered(report.suppressed)
        if !suppressed.isEmpty {
            lines.append("Suppressed:")
            for finding in suppressed {
                lines += entry(finding, fix: false)
                lines.append("    suppressed: \(finding.suppressedBy ?? "")")
            }
            lines.append("")
        }
        if verbose, !report.skipped.isEmpty {
            lines.append("Skipped (not CloudFormation):")
            lines += report.skipped.map { "    \($0)" }
            lines.append("")
        }
        lines.append(report.summary.line)
        return lines.joined(separator: "\n") + "\n"
    }

    static func entry(_ finding: TemplateFinding, fix: Bool = true) -> [String] {
        let type = finding.resourceType.isEmpty ? "" : " (\(finding.resourceType))"
        var lines = ["\(finding.path):\(finding.line): \(finding.level.rawValue.uppercased()) \(finding.checkID) "
                     + "\(finding.logicalID)\(type): \(finding.message)"]
        if let branch = finding.branch { lines.append("    when: \(branch)") }
        if fix, !finding.fix.isEmpty { lines.append("    fix: \(finding.fix)") }
        return lines
    }
}
