/// Why a gzip stream could not be decompressed.
public enum GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input does not start with the gzip magic bytes `1f 8b` (or is empty).
    case notGzip
    /// The input ends in the middle of a gzip member.
    case truncated
    /// zlib rejected the data (bad header, bad deflate data, CRC or length mismatch).
    case corrupt(String)
    /// Non-zero bytes that are not another gzip member follow a complete member.
    case trailingGarbage(offset: Int)
    /// The decompressed size passed `GzipLimits.maxOutputBytes`.
    case outputLimitExceeded(limit: Int)
    /// The decompressed/compressed ratio passed `GzipLimits.maxRatio`.
    case compressionRatioExceeded(limit: Int)
    /// zlib or the allocator could not get memory.
    case outOfMemory
    /// Any other zlib status code.
    case zlib(code: Int32)

    public var message: String {
        switch self {
        case .notGzip: return "not gzip data (missing 1f 8b magic bytes)"
        case .truncated: return "gzip data is truncated (stream ends inside a member)"
        case .corrupt(let why): return "gzip data is corrupt: \(why)"
        case .trailingGarbage(let offset): return "unexpected non-gzip bytes after a gzip member at offset \(offset)"
        case .outputLimitExceeded(let limit): return "decompressed size exceeds the limit of \(limit) bytes (possible gzip bomb)"
        case .compressionRatioExceeded(let limit): return "compression ratio exceeds \(limit):1 (possible gzip bomb)"
        case .outOfMemory: return "out of memory while decompressing"
        case .zlib(let code): return "zlib error \(code)"
        }
    }

    public var description: String { message }
}
