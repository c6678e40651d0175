/// Bounds for a Firehose HTTP endpoint delivery body.
public struct FirehoseDeliveryLimits: Sendable, Equatable {
    /// Maximum number of records (Firehose sends at most 10,000).
    public var maxRecords: Int
    /// Maximum decoded size of one record (Firehose's raw record limit is 1,024,000 bytes).
    public var maxRecordBytes: Int

    public init(maxRecords: Int = 10_000, maxRecordBytes: Int = 1_024_000) {
        self.maxRecords = maxRecords
        self.maxRecordBytes = maxRecordBytes
    }
}
