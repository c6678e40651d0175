/// Counts over a `CheckReport`: `findings`, `errors` and `warnings` count unsuppressed findings only.
public struct CheckSummary: Sendable, Hashable, Codable {
    public var files: Int
    public var findings: Int
    public var errors: Int
    public var warnings: Int
    public var suppressed: Int
    public var loadErrors: Int
    /// Files of a folder walk that are not CloudFormation templates.
    public var skipped: Int

    public init(files: Int, findings: Int, errors: Int, warnings: Int, suppressed: Int, loadErrors: Int,
                skipped: Int = 0) {
        self.skipped = skipped
        self.files = files
        self.findings = findings
        self.errors = errors
        self.warnings = warnings
        self.suppressed = suppressed
        self.loadErrors = loadErrors
    }

    /// "2 templates checked, 2 findings (1 error, 1 warning), 1 suppressed", plus ", 1 load error" and
    /// ", 3 files skipped (not CloudFormation)" when any.
    public var line: String {
        var text = "\(plural(files, "template")) checked, \(plural(findings, "finding")) "
            + "(\(plural(errors, "error")), \(plural(warnings, "warning"))), \(suppressed) suppressed"
        if loadErrors > 0 { text += ", \(plural(loadErrors, "load error"))" }
        if skipped > 0 { text += ", \(plural(skipped, "file")) skipped (not CloudFormation)" }
        return text
    }

    private func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
}
