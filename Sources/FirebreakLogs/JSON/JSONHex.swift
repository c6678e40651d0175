/// The four hex digits of a JSON `\u` escape.
enum JSONHex {
    /// The code unit `bytes[0..<4]` spell, nil when one is no hex digit. The caller checks that 4 bytes are there.
    @inline(__always)
    static func unit(_ bytes: UnsafePointer<UInt8>) -> UInt16? {
        var v: UInt16 = 0
        for i in 0..<4 {
            let c = bytes[i]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt16(d)
        }
        return v
    }
}
