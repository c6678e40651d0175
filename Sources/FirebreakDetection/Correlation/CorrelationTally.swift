/// One delivery's matches of one correlation group in one time bucket, counted before they go to a shared state
/// (`SharedCorrelationState`): several tasks then add their tallies to the same buckets, and a window is the last
/// six buckets of its rule (each bucket is a sixth of the timespan, at least a second), so it is approximate to a
/// sixth of the timespan, where `CorrelationEngine` in one process is exact.
public struct CorrelationTally: Sendable {
    public let rule: CorrelationRule
    /// The group's `group-by` values, in the rule's order.
    public let groupValues: [String]
    /// A stable hash of the rule and its group values (the same in every process).
    public let groupHash: String
    /// The bucket's first millisecond of event time, and its width.
    public let bucketMillis: Int64
    public let bucketWidth: Int64
    /// `event_count`: the matches of this delivery in the bucket.
    public internal(set) var count = 0
    /// `value_count`: stable hashes of the distinct values; `temporal`/`temporal_ordered`: `p<position>` of the
    /// referenced rules seen.
    public internal(set) var values: Set<String> = []
    public internal(set) var firstMillis: Int64
    public internal(set) var lastMillis: Int64
    /// Event keys of this delivery's matches (at most `CorrelationEngine.maxEventKeysPerHit`).
    public internal(set) var eventKeys: [String] = []
    /// The last match's event and where its findings go among the delivery's rule findings.
    var lastEvent: DetectionEvent
    var position: Int

    /// The first bucket of the window that ends with this bucket.
    public var windowStartMillis: Int64 {
        CorrelationEngine.minus(bucketMillis, CorrelationEngine.minus(Self.windowMillis(rule), bucketWidth))
    }

    /// The count that fires the rule.
    public var firingCount: Int { max(1, rule.condition.firingCount) }

    /// The group-by field names with their values (a hit's `groupKey`).
    public var groupKey: [String: String] {
        var key: [String: String] = [:]
        for (field, value) in zip(rule.groupBy, groupValues) { key[field.raw] = value }
        return key
    }

    /// Buckets are a sixth of the timespan, at least a second.
    static func bucketWidth(_ rule: CorrelationRule) -> Int64 { max(1000, rule.timespanMillis / 6) }

    /// The timespan, rounded up to whole buckets.
    static func windowMillis(_ rule: CorrelationRule) -> Int64 {
        let width = bucketWidth(rule)
        return max(width, (rule.timespanMillis + width - 1) / width * width)
    }

    /// The start of the bucket holding `time` (event times come from the wire: a bucket below `Int64.min` is
    /// clamped to it, never a trap).
    static func bucket(_ time: Int64, width: Int64) -> Int64 {
        let quotient = time / width
        let (start, overflow) = (time % width < 0 ? quotient - 1 : quotient).multipliedReportingOverflow(by: width)
        return overflow ? .min : start
    }

    /// The end of this bucket (its first millisecond after it), saturating.
    public var bucketEndMillis: Int64 { CorrelationEngine.plus(bucketMillis, bucketWidth) }

    /// `millis` after this bucket's start, saturating (an expiry computed from an event time).
    public func millis(afterBucket millis: Int64) -> Int64 { CorrelationEngine.plus(bucketMillis, millis) }

    /// `millis` before this tally's window start, saturating.
    public func millis(beforeWindow millis: Int64) -> Int64 { CorrelationEngine.minus(windowStartMillis, millis) }
}

/// Correlation windows kept outside the process, shared by every task (issue 15: the DynamoDB state table).
public protocol SharedCorrelationState: Sendable {
    /// Adds the tallies of delivery `requestID` to their buckets and returns, aligned with `tallies`, the hit of each
    /// group whose window now meets its rule's condition and that this delivery fires: a window fires once across
    /// every task, and a group fires again only for a window after the one that fired. Repeating a delivery (after
    /// a crash) adds nothing twice and fires again what it fired before.
    func record(_ tallies: [CorrelationTally], requestID: String) throws -> [CorrelationHit?]
}
