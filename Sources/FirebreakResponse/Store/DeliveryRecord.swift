import Foundation

/// One Firehose delivery as the store remembers it: its request id (the dedup key for redeliveries)
/// and what it held.
public struct DeliveryRecord: Sendable, Hashable {
    /// `X-Amz-Firehose-Request-Id`.
    public var requestID: String
    public var receivedAt: Date
    /// Firehose records in the body.
    public var records: Int
    /// Log events decoded from them.
    public var events: Int
    /// Findings the rules produced.
    public var findings: Int

    public init(requestID: String, receivedAt: Date, records: Int, events: Int, findings: Int) {
        self.requestID = requestID
        self.receivedAt = receivedAt
        self.records = records
        self.events = events
        self.findings = findings
    }
}
