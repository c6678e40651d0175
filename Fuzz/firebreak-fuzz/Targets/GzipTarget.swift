import FirebreakLogs

/// `gzip`: the bytes are a gzip stream (a compressed Firehose body or record). What decompresses must
/// compress and decompress back to itself.
enum GzipTarget {
    static let limits = GzipLimits(maxOutputBytes: 8 << 20, maxRatio: 1000, ratioThresholdBytes: 1 << 20)

    static func run(_ data: [UInt8]) {
        _ = Gzip.hasMagic(data)
        guard let plain = try? Gzip.decompress(data, limits: limits) else { return }
        let again: [UInt8]
        do {
            again = try Gzip.decompress(Gzip.compress(plain, level: 1), limits: GzipLimits(maxOutputBytes: 16 << 20, maxRatio: 1 << 30))
        } catch {
            fatalError("gzip: compress(decompress(x)) does not decompress: \(error)")
        }
        guard again == plain else { fatalError("gzip: round trip changed \(plain.count) bytes into \(again.count)") }
    }
}
