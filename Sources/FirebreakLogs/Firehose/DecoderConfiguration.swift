/// Bounds and flow-log formats for `RecordDecoder`. The defaults never reject real AWS data:
/// CloudWatch Logs events are ≤ 256 KB (JSON messages get `maxJSONBytes`), Firehose records
/// ≤ 1,000 KiB, and the ratio cap only applies past `compressionRatioThresholdBytes`.
public struct DecoderConfiguration: Sendable {
    /// Flow-log formats for CloudWatch Logs log groups, matched by prefix (first match wins).
    public var flowLogFormats: [FlowLogFormatRule]
    /// Longest text or flow-log line (bytes); longer ones are skipped with a `lineTooLong` issue.
    public var maxLineBytes: Int
    /// Longest JSON document in one line or CloudWatch Logs message.
    public var maxJSONBytes: Int
    /// Most events decoded from one record; the rest is skipped with a `tooManyEvents` issue.
    public var maxEventsPerRecord: Int
    /// Most bytes one gzip payload may decompress to.
    public var maxDecompressedBytes: Int
    /// Highest decompressed/compressed ratio…
    public var maxCompressionRatio: Int
    /// …enforced once the output exceeds this many bytes.
    public var compressionRatioThresholdBytes: Int
    /// Deepest JSON nesting accepted.
    public var maxJSONDepth: Int
    /// Bounds for Firehose delivery bodies read by `RecordDecoder.decodeFile(_:)`.
    public var firehoseLimits: FirehoseDeliveryLimits

    public init(flowLogFormats: [FlowLogFormatRule] = [],
                maxLineBytes: Int = 64 * 1024,
                maxJSONBytes: Int = 1 << 20,
                maxEventsPerRecord: Int = 100_000,
                maxDecompressedBytes: Int = 64 << 20,
                maxCompressionRatio: Int = 1000,
                compressionRatioThresholdBytes: Int = 1 << 20,
                maxJSONDepth: Int = 128,
                firehoseLimits: FirehoseDeliveryLimits = FirehoseDeliveryLimits()) {
        self.flowLogFormats = flowLogFormats
        self.maxLineBytes = maxLineBytes
        self.maxJSONBytes = maxJSONBytes
        self.maxEventsPerRecord = maxEventsPerRecord
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.compressionRatioThresholdBytes = compressionRatioThresholdBytes
        self.maxJSONDepth = maxJSONDepth
        self.firehoseLimits = firehoseLimits
    }

    /// The gzip limits these settings imply.
    public var gzipLimits: GzipLimits {
        GzipLimits(maxOutputBytes: maxDecompressedBytes, maxRatio: maxCompressionRatio,
                   ratioThresholdBytes: compressionRatioThresholdBytes)
    }

    /// The flow-log format configured for a log group, if any.
    public func flowLogFormat(forLogGroup logGroup: String) -> FlowLogFormat? {
        flowLogFormats.first { logGroup.hasPrefix($0.logGroupPrefix) }?.format
    }
}
