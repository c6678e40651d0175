/// Bounds applied while inflating, so a hostile "gzip bomb" is an error and never an
/// out-of-memory: inflation stops as soon as either bound is passed.
public struct GzipLimits: Sendable, Equatable {
    /// Maximum decompressed size in bytes (all members together).
    public var maxOutputBytes: Int
    /// Maximum ratio of decompressed to compressed bytes consumed so far…
    public var maxRatio: Int
    /// …enforced only once the output is larger than this, so small, highly repetitive
    /// payloads (real CloudWatch Logs JSON compresses very well) are never rejected.
    public var ratioThresholdBytes: Int

    public init(maxOutputBytes: Int = 64 << 20, maxRatio: Int = 1000, ratioThresholdBytes: Int = 1 << 20) {
        self.maxOutputBytes = maxOutputBytes
        self.maxRatio = maxRatio
        self.ratioThresholdBytes = ratioThresholdBytes
    }
}
