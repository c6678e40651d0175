/// A correlation rule whose condition became true for one group.
public struct CorrelationHit: Sendable {
    public let rule: CorrelationRule
    /// The `group-by` field (or alias) names and the values that made the group; empty when the rule
    /// has no `group-by`.
    public let groupKey: [String: String]
    /// The count that met the condition: matches (`event_count`), distinct values (`value_count`) or
    /// referenced rules seen (`temporal`, `temporal_ordered`).
    public let count: Int
    /// Event time of the first and the last match in the window that fired (milliseconds since the epoch).
    public let firstMillis: Int64
    public let lastMillis: Int64
    /// `DetectionEvent.eventKey` of contributing events, in arrival order; at most
    /// `CorrelationEngine.maxEventKeysPerHit`.
    public let eventKeys: [String]

    public init(rule: CorrelationRule, groupKey: [String: String], count: Int, firstMillis: Int64, lastMillis: Int64,
                eventKeys: [String]) {
        self.rule = rule
        self.groupKey = groupKey
        self.count = count
        self.firstMillis = firstMillis
        self.lastMillis = lastMillis
        self.eventKeys = eventKeys
    }
}
