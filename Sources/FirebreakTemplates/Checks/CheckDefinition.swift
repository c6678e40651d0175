/// What a check is: shown by `firebreak check --list` and in SARIF rule metadata.
public struct CheckDefinition: Sendable, Hashable {
    public var id: String            // e.g. "FB-NET-001"
    public var title: String
    public var level: CheckLevel
    public var description: String
    public var fix: String
    /// The equivalent cfn-nag rule ids (e.g. "W2", "F1000") and checkov ids (e.g. "CKV_AWS_24"), if any.
    public var cfnNag: [String]
    public var checkov: [String]

    public init(id: String, title: String, level: CheckLevel, description: String, fix: String,
                cfnNag: [String] = [], checkov: [String] = []) {
        self.id = id
        self.title = title
        self.level = level
        self.description = description
        self.fix = fix
        self.cfnNag = cfnNag
        self.checkov = checkov
    }
}
