/// Counts over a `CheckReport`: `findings`, `errors` and `warnings` count unsuppressed findings only.
public struct CheckSummary: Sendable, Hashable, Codable {
    public var files: Int
    public var findings: Int
    public var errors: Int
    public var warnings: Int
    public var suppressed: Int
    public var loadErrors: Int

    public init(files: Int, findings: Int, errors: Int, warnings: Int, suppressed: Int, loadErrors: Int) {
        self.files = files
        self.findings = findings
        self.errors = errors
        self.warnings = warnings
        self.suppressed = suppressed
        self.loadErrors = loadErrors
    }

    /// "2 files, 2 findings (1 error, 1 warning), 1 suppressed", plus ", 1 load error" when any.
    public var line: String {
        var text = "\(plural(files, "file")), \(plural(findings, "finding")) "
            + "(\(plural(errors, "error")), \(plural(warnings, "warning"))), \(suppressed) suppressed"
        if loadErrors > 0 { text += ", \(plural(loadErrors, "load error"))" }
        return text
    }

    private func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
}
