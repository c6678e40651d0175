/// The level of a check: `error` fails the pipeline by default, `warning` with `--fail-on warning`.
public enum CheckLevel: String, Sendable, Hashable, Comparable, CaseIterable {
    case warning, error

    public static func < (lhs: CheckLevel, rhs: CheckLevel) -> Bool { lhs == .warning && rhs == .error }
}

/// A check's verdict on one resource.
public struct TemplateFinding: Sendable, Hashable {
    public var checkID: String
    public var level: CheckLevel
    public var title: String
    public var message: String
    public var path: String
    public var logicalID: String
    public var resourceType: String
    public var line: Int
    /// When the finding holds on one branch of an `Fn::If` only: which (e.g. "IsProd: true").
    public var branch: String?
    public var fix: String
    /// Set when a suppression (in the template or the exceptions file) covers the finding.
    public var suppressedBy: String?

    public init(checkID: String, level: CheckLevel, title: String, message: String, path: String, logicalID: String,
                resourceType: String, line: Int, branch: String? = nil, fix: String, suppressedBy: String? = nil) {
        self.checkID = checkID
        self.level = level
        self.title = title
        self.message = message
        self.path = path
        self.logicalID = logicalID
        self.resourceType = resourceType
        self.line = line
        self.branch = branch
        self.fix = fix
        self.suppressedBy = suppressedBy
    }
}
