/// Strict standard-alphabet base64 (RFC 4648 §4) with `=` padding, decoded straight from bytes.
enum Base64 {
    /// 0–63 for alphabet bytes, 0xFF otherwise.
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = UInt8(i)
        }
        return t
    }()

    /// Decoded length of `count` encoded bytes ending in `padding` `=` characters, or nil when the
    /// shape is invalid (length not a multiple of 4).
    static func decodedLength(encodedCount count: Int, padding: Int) -> Int? {
        guard count % 4 == 0 else { return nil }
        return count / 4 * 3 - padding
    }

    /// Number of trailing `=` (0–2) in `input[start..<end]`.
    static func padding(_ input: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var pad = 0
        if end - start >= 1 && input[end - 1] == UInt8(ascii: "=") { pad += 1 }
        if end - start >= 2 && input[end - 2] == UInt8(ascii: "=") { pad += 1 }
        return pad
    }

    /// Decodes `input[start..<end]`; nil on any byte outside the alphabet, misplaced padding,
    /// or non-zero bits in the last quantum (non-canonical encoding).
    static func decode(_ input: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> [UInt8]? {
        let count = end - start
        if count == 0 { return [] }
        let pad = padding(input, start, end)
        guard let outCount = decodedLength(encodedCount: count, padding: pad) else { return nil }
        var ok = true
        let result = table.withUnsafeBufferPointer { t -> [UInt8] in
            [UInt8](unsafeUninitializedCapacity: outCount) { out, initialized in
                var i = start
                var o = 0
                let fullEnd = end - 4  // the last quantum is handled separately (padding)
                while i < fullEnd {
                    let a = t[Int(input[i])], b = t[Int(input[i + 1])], c = t[Int(input[i + 2])], d = t[Int(input[i + 3])]
                    if (a | b | c | d) & 0x80 != 0 { ok = false; break }
                    let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    out[o] = UInt8(truncatingIfNeeded: v >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: v)
                    i += 4
                    o += 3
                }
                if ok {
                    let a = t[Int(input[i])], b = t[Int(input[i + 1])]
                    let c = pad >= 2 ? 0 : t[Int(input[i + 2])]
                    let d = pad >= 1 ? 0 : t[Int(input[i + 3])]
                    if (a | b | c | d) & 0x80 != 0 {
                        ok = false
                    } else {
                        let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        out[o] = UInt8(truncatingIfNeeded: v >> 16)
                        if pad < 2 { out[o + 1] = UInt8(truncatingIfNeeded: v >> 8) }
                        if pad < 1 { out[o + 2] = UInt8(truncatingIfNeeded: v) }
                        // Canonical form: the bits dropped by padding must be zero.
                        if (pad == 2 && v & 0xFFFF != 0) || (pad == 1 && v & 0xFF != 0) { ok = false }
                    }
                }
                initialized = ok ? outCount : 0
            }
        }
        return ok ? result : nil
    }

    /// What a base64 JSON string decodes to: its bytes, or why not.
    enum TokenDecoding {
        case bytes([UInt8])
        /// Not standard padded base64.
        case invalid
        /// It would decode to `size` bytes, more than allowed.
        case tooLarge(size: Int)
    }

    /// Decodes the string `token` of `s` (escapes such as `\/`, which some encoders write, undone first; without
    /// escapes straight from the buffer), refusing more than `maxBytes` decoded bytes before decoding anything.
    static func decode(_ s: JSONScanner, _ token: JSONStringToken, maxBytes: Int) throws(JSONParseError) -> TokenDecoding {
        func decode(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> TokenDecoding {
            guard let size = decodedLength(encodedCount: end - start, padding: padding(p, start, end)) else { return .invalid }
            if size > maxBytes { return .tooLarge(size: size) }
            return Base64.decode(p, start, end).map { .bytes($0) } ?? .invalid
        }
        guard token.hasEscapes else { return decode(s.base, token.start, token.end) }
        var raw: [UInt8] = []
        try s.unescape(token, into: &raw)
        return raw.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return .bytes([]) }
            return decode(base, 0, buffer.count)
        }
    }

    /// Standard base64 with padding (used by tests, fixtures and the benchmark).
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let v = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
