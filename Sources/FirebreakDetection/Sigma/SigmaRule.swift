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

/// A rule's `detection`: named selections and the condition(s) combining them.
public struct SigmaDetection: Sendable {
    /// Selection names in document order.
    public var selectionNames: [String]
    public var selections: [String: SigmaSelection]
    /// One or more conditions; a list means any of them.
    public var conditions: [String]
    /// `timeframe`, kept for reference (single rules do not use it).
    public var timeframe: String?

    public init(selectionNames: [String], selections: [String: SigmaSelection], conditions: [String], timeframe: String? = nil) {
        self.selectionNames = selectionNames
        self.selections = selections
        self.conditions = conditions
        self.timeframe = timeframe
    }
}

/// One named selection.
public enum SigmaSelection: Sendable, Equatable {
    /// Field maps: each map is an AND of its items, the list of maps an OR.
    case maps([[SigmaFieldItem]])
    /// A plain list of values searched for in the whole event (keyword search).
    case keywords([SigmaScalar])
}

/// One `field|modifier|...: value(s)` item of a selection map.
public struct SigmaFieldItem: Sendable, Equatable {
    /// The key as written (`eventName`, `userIdentity.arn|re`).
    public var key: String
    /// The field name before the first `|`.
    public var field: String
    /// Modifier names in order, as written.
    public var modifiers: [String]
    /// The value, or the values of a YAML list (an OR unless `all`).
    public var values: [SigmaScalar]

    public init(key: String, field: String, modifiers: [String], values: [SigmaScalar]) {
        self.key = key
        self.field = field
        self.modifiers = modifiers
        self.values = values
    }
}

/// A YAML scalar of a detection, typed as YAML resolved it (quoted scalars are strings).
public enum SigmaScalar: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)

    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return FieldValue.double(d).description
        case .string(let s): return s
        }
    }
}
