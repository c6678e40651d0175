/// The outcome of `firebreak check`: what every reporter renders and what decides the exit code.
public struct CheckReport: Sendable, Hashable {
    /// The template files checked, in the order given (load failures included).
    public var files: [String]
    public var loadErrors: [LoadError]
    /// Every finding, suppressed ones included (`suppressedBy` set).
    public var findings: [TemplateFinding]
    /// The definitions of the checks that ran (SARIF rules).
    public var checks: [CheckDefinition]
    /// Files found in a folder walk that are well-formed YAML/JSON but not CloudFormation templates: not
    /// checked, not in `files`, never a failure.
    public var skipped: [String]

    public init(files: [String], loadErrors: [LoadError] = [], findings: [TemplateFinding],
                checks: [CheckDefinition], skipped: [String] = []) {
        self.files = files
        self.skipped = skipped
        self.loadErrors = loadErrors
        self.findings = findings
        self.checks = checks
    }

    /// Findings no suppression covers.
    public var active: [TemplateFinding] { findings.filter { $0.suppressedBy == nil } }
    /// Findings a suppression covers.
    public var suppressed: [TemplateFinding] { findings.filter { $0.suppressedBy != nil } }

    /// Unsuppressed findings at or above `failOn`.
    public func failing(failOn: CheckLevel) -> [TemplateFinding] {
        active.filter { $0.level >= failOn }
    }

    /// 2 when a template could not be loaded, else 1 when a finding fails, else 0.
    public func exitCode(failOn: CheckLevel) -> Int32 {
        if !loadErrors.isEmpty { return 2 }
        return failing(failOn: failOn).isEmpty ? 0 : 1
    }

    /// Every path the report mentions: `files` in order, then any other path of a finding or load error.
    public var allPaths: [String] {
        var seen = Set<String>()
        var paths: [String] = []
        for path in files + loadErrors.map(\.path) + findings.map(\.path) where seen.insert(path).inserted {
            paths.append(path)
        }
        return paths
    }

    /// Findings in report order: by file (as in `allPaths`), line, check id, logical id.
    public func ordered(_ list: [TemplateFinding]) -> [TemplateFinding] {
        var rank: [String: Int] = [:]
        for (index, path) in allPaths.enumerated() { rank[path] = index }
        return list.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            let (rx, ry) = (rank[x.path] ?? Int.max, rank[y.path] ?? Int.max)
            if rx != ry { return rx < ry }
            if x.line != y.line { return x.line < y.line }
            if x.checkID != y.checkID { return x.checkID < y.checkID }
            if x.logicalID != y.logicalID { return x.logicalID < y.logicalID }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The counts of the summary line and of the JSON `summary` object.
    public var summary: CheckSummary {
        let active = self.active
        return CheckSummary(files: files.count,
                            findings: active.count,
                            errors: active.filter { $0.level == .error }.count,
                            warnings: active.filter { $0.level == .warning }.count,
                            suppressed: findings.count - active.count,
                            loadErrors: loadErrors.count,
                            skipped: skipped.count)
    }
}
