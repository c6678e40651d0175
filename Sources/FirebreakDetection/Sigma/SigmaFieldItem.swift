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
