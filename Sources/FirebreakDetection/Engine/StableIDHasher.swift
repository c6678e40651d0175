/// `Finding.stableID` part by part, without building the parts: 128 bits of FNV-1a over each part's UTF-8
/// followed by a 0x1f separator, written as `fb-` and 32 hex digits.
struct StableIDHasher {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x84222325_cbf29ce4

    @inline(__always)
    private mutating func byte(_ byte: UInt8) {
        a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 ^ (a >> 29)
    }

    @inline(__always)
    private mutating func endPart() {
        a = (a ^ 0x1f) &* 0x0000_0100_0000_01b3
        b = (b ^ 0x1f) &* 0x0000_0100_0000_01b3
    }

    /// Adds a part (its UTF-8 bytes).
    mutating func add(_ part: String) {
        var part = part
        part.withUTF8 { bytes in
            for x in bytes { byte(x) }
        }
        endPart()
    }

    /// Adds the part `String(value)` (decimal, `-` for negatives) without making the string.
    mutating func add(decimal value: Int64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // room for 20 digits
        let magnitude = value.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            var v = magnitude
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            } while v != 0
        }
        if value < 0 { byte(UInt8(ascii: "-")) }
        withUnsafeBytes(of: &digits) { buffer in
            var i = count - 1
            while i >= 0 {
                byte(buffer[i])
                i -= 1
            }
        }
        endPart()
    }

    /// The id: `fb-` and the two halves in lowercase hex, 16 digits each.
    func finish() -> String {
        let a = self.a, b = self.b
        return String(unsafeUninitializedCapacity: 35) { out in
            out[0] = UInt8(ascii: "f")
            out[1] = UInt8(ascii: "b")
            out[2] = UInt8(ascii: "-")
            for i in 0..<16 {
                out[3 + i] = Self.hex(a >> UInt64(60 - 4 * i))
                out[19 + i] = Self.hex(b >> UInt64(60 - 4 * i))
            }
            return 35
        }
    }

    @inline(__always)
    private static func hex(_ v: UInt64) -> UInt8 {
        let d = UInt8(truncatingIfNeeded: v & 0xF)
        return d < 10 ? UInt8(ascii: "0") + d : UInt8(ascii: "a") + d - 10
    }
}
