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
