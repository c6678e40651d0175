/// A stable id built part by part: 128 bits of FNV-1a over the parts (each followed by a 0x1f separator), written
/// as `fb-` and 32 hex digits. Not a security hash: an identity that is the same in every process and version.
/// Parts are fed as bytes, so a hot path (a finding id per rule match) allocates only the final string; the value
/// itself is a dictionary key (a delivery's matches merge by it before any text is made).
public struct StableID: Sendable, Hashable {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x84222325_cbf29ce4

    public init() {}

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

    /// Adds a part given as text.
    public mutating func add(_ part: String) {
        var part = part
        part.withUTF8 { add(bytes: $0) }
    }

    /// Adds a part given as UTF-8 bytes (the same id as the same text given as a `String`).
    public mutating func add(bytes: UnsafeBufferPointer<UInt8>) {
        for value in bytes { byte(value) }
        endPart()
    }

    /// Adds a part given as an integer, as its decimal text (the same id as `add(String(value))`).
    public mutating func add(decimal value: Int64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: enough for "-9223372036854775808"
        withUnsafeMutableBytes(of: &digits) { raw in
            var position = raw.count
            var magnitude = value.magnitude
            repeat {
                position -= 1
                raw[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                position -= 1
                raw[position] = UInt8(ascii: "-")
            }
            for index in position..<raw.count { byte(raw[index]) }
        }
        endPart()
    }

    /// The id: `fb-` and the two halves in hex, 16 digits each.
    public var text: String {
        String(unsafeUninitializedCapacity: 35) { out in
            let hex: StaticString = "0123456789abcdef"
            out[0] = UInt8(ascii: "f")
            out[1] = UInt8(ascii: "b")
            out[2] = UInt8(ascii: "-")
            hex.withUTF8Buffer { digits in
                for nibble in 0..<16 {
                    let shift = UInt64(60 - 4 * nibble)
                    out[3 + nibble] = digits[Int((a >> shift) & 0xf)]
                    out[19 + nibble] = digits[Int((b >> shift) & 0xf)]
                }
            }
            return 35
        }
    }
}
