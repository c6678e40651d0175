import Foundation

/// How long the store keeps what it holds (`store.retention.*`), and how much the pruner removes per transaction.
public struct RetentionPolicy: Sendable, Hashable {
    /// Findings stored longer ago than this are pruned with their actions, once every action is finished.
    public var findings: TimeInterval
    /// Delivery request ids (redelivery dedup) received longer ago than this are pruned; keep it longer than
    /// Firehose retries a delivery (at most 2 hours).
    public var deliveries: TimeInterval
    /// Rows per transaction.
    public var batchRows: Int

    public init(findings: TimeInterval = 30 * 86400, deliveries: TimeInterval = 86400, batchRows: Int = 500) {
        self.findings = findings
        self.deliveries = deliveries
        self.batchRows = batchRows
    }
}
