/// Byte helpers for ASCII case folding.
enum ASCII {
    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { (b &- 65) < 26 ? b | 0x20 : b }

    @inline(__always)
    static func isASCII(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = v.count
        guard let base = v.baseAddress else { return true }
        while i + 8 <= n {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if base[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// `v[at..<at+p.count] == p`, folding `v`'s ASCII letters when `fold` (`p` is already lowercase).
    @inline(__always)
    static func equal(_ v: UnsafeBufferPointer<UInt8>, _ at: Int, _ p: [UInt8], fold: Bool) -> Bool {
        p.withUnsafeBufferPointer { p in
            var i = 0
            if fold {
                while i < p.count {
                    if lower(v[at + i]) != p[i] { return false }
                    i += 1
                }
            } else {
                while i < p.count {
                    if v[at + i] != p[i] { return false }
                    i += 1
                }
            }
            return true
        }
    }

    /// First index of `p` in `v` at or after `from`.
    static func find(_ p: [UInt8], in v: UnsafeBufferPointer<UInt8>, from: Int, fold: Bool) -> Int? {
        guard !p.isEmpty else { return from <= v.count ? from : nil }
        guard v.count >= p.count else { return nil }
        let first = p[0]
        var i = from
        let last = v.count - p.count
        while i <= last {
            let b = fold ? lower(v[i]) : v[i]
            if b == first && equal(v, i, p, fold: fold) { return i }
            i += 1
        }
        return nil
    }
}
