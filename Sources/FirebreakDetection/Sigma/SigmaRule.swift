/// One Sigma detection rule as written: its metadata and its (not yet compiled) detection.
///
/// Built by `SigmaRule.parse(_:source:)` from one YAML document; compiled for matching by
/// `RuleCompiler`. Top-level keys Sigma does not define are ignored.
public struct SigmaRule: Sendable {
    public var title: String
    public var id: String?
    public var name: String?
    public var status: String?
    public var level: RuleLevel?
    public var description: String?
    public var author: String?
    /// `date` and `modified` as written (`2024-07-11`).
    public var date: String?
    public var modified: String?
    public var references: [String]
    public var tags: [String]
    public var logsource: LogSource
    public var detection: SigmaDetection
    public var falsepositives: [String]
    public var fields: [String]
    /// The file the rule came from (for messages).
    public var source: String
    /// Firebreak's `firebreak: {dedup: {fields: [...], window: 10m}}` block: how repeated matches merge into one
    /// finding (`FindingDedup`); nil: by resource, in `findings.dedup_window`.
    public var dedup: Dedup?

    /// A rule's own dedup settings; what it leaves out comes from the configuration.
    public struct Dedup: Sendable, Hashable {
        public var fields: [String]?
        public var windowMillis: Int64?

        public init(fields: [String]? = nil, windowMillis: Int64? = nil) {
            self.fields = fields
            self.windowMillis = windowMillis
        }
    }

    public init(title: String, id: String? = nil, name: String? = nil, status: String? = nil, level: RuleLevel? = nil,
                description: String? = nil, author: String? = nil, date: String? = nil, modified: String? = nil,
                references: [String] = [], tags: [String] = [], logsource: LogSource = LogSource(),
                detection: SigmaDetection, falsepositives: [String] = [], fields: [String] = [], source: String) {
        self.title = title
        self.id = id
        self.name = name
        self.status = status
        self.level = level
        self.description = description
        self.author = author
        self.date = date
        self.modified = modified
        self.references = references
        self.tags = tags
        self.logsource = logsource
        self.detection = detection
        self.falsepositives = falsepositives
        self.fields = fields
        self.source = source
    }

    /// `source` plus the rule's id (or title), as `RuleError.source` names a rule.
    public var errorSource: String { "\(source) (\(id ?? title))" }
}
