/// A compact IPv4 or IPv6 address (16 bytes, no heap), parsed straight from bytes.
///
/// IPv4 addresses are stored as IPv4-mapped IPv6 (`::ffff:a.b.c.d`), so an IPv6 literal of that
/// form is treated as the IPv4 address it maps (it also prints as dotted quad).
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 128-bit address, most significant half first.
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// An IPv4 address from its 32-bit value (`0xC0000201` is 192.0.2.1).
    public init(ipv4 value: UInt32) {
        high = 0
        low = 0xFFFF_0000_0000 | UInt64(value)
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (no zone index, no brackets).
    public init?(_ text: String) {
        var copy = text
        guard let parsed = copy.withUTF8({ IPAddress.parse($0.baseAddress, 0, $0.count) }) else { return nil }
        self = parsed
    }

    public var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }

    /// The 32-bit value of an IPv4 address; nil for IPv6.
    public var ipv4Value: UInt32? { isIPv4 ? UInt32(truncatingIfNeeded: low) : nil }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// Dotted quad for IPv4; RFC 5952 canonical text for IPv6.
    /// `a.b.c.d`, written digit by digit (addresses are formatted per finding, sample and correlation group).
    private static func dottedQuad(_ v4: UInt32) -> String {
        String(unsafeUninitializedCapacity: 15) { out in
            var n = 0
            for shift in [24, 16, 8, 0] as [UInt32] {
                let octet = Int(v4 >> shift & 0xFF)
                if octet >= 100 { out[n] = UInt8(ascii: "0") + UInt8(octet / 100); n += 1 }
                if octet >= 10 { out[n] = UInt8(ascii: "0") + UInt8(octet / 10 % 10); n += 1 }
                out[n] = UInt8(ascii: "0") + UInt8(octet % 10); n += 1
                if shift != 0 { out[n] = UInt8(ascii: "."); n += 1 }
            }
            return n
        }
    }

    public var description: String {
        if let v4 = ipv4Value { return Self.dottedQuad(v4) }
        var groups = [UInt16](repeating: 0, count: 8)
        for i in 0..<4 {
            groups[i] = UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64(i)))
            groups[i + 4] = UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64(i)))
        }
        // Longest run (≥ 2) of zero groups, first one on ties, becomes "::".
        var bestStart = -1, bestLength = 0, i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8 && groups[j] == 0 { j += 1 }
                if j - i > bestLength && j - i >= 2 { bestStart = i; bestLength = j - i }
                i = j
            } else {
                i += 1
            }
        }
        var out = ""
        i = 0
        while i < 8 {
            if i == bestStart {
                out += "::"
                i += bestLength
                continue
            }
            if !out.isEmpty && !out.hasSuffix(":") { out += ":" }
            out += String(groups[i], radix: 16)
            i += 1
        }
        return out
    }

    /// Parses `p[start..<end]`; nil if it is not exactly one address.
    static func parse(_ p: UnsafePointer<UInt8>?, _ start: Int, _ end: Int) -> IPAddress? {
        guard let p, end > start, end - start <= 45 else { return nil }
        if let v4 = parseIPv4(p, start, end) { return IPAddress(ipv4: v4) }
        return parseIPv6(p, start, end)
    }

    /// Strict dotted quad: four decimal octets ≤ 255, no leading zeros (ambiguous octal).
    static func parseIPv4(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> UInt32? {
        guard end - start >= 7 && end - start <= 15 else { return nil }
        var value: UInt32 = 0
        var i = start
        for octetIndex in 0..<4 {
            let s = i
            var octet: UInt32 = 0
            while i < end {
                let d = p[i] &- 0x30
                if d > 9 { break }
                octet = octet &* 10 &+ UInt32(d)
                i += 1
            }
            let digits = i - s
            guard digits >= 1 && digits <= 3 && octet <= 255 && (digits == 1 || p[s] != 0x30) else { return nil }
            value = value << 8 | octet
            if octetIndex < 3 {
                guard i < end && p[i] == UInt8(ascii: ".") else { return nil }
                i += 1
            }
        }
        return i == end ? value : nil
    }

    static func parseIPv6(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> IPAddress? {
        var groups = [UInt16](repeating: 0, count: 8)
        return groups.withUnsafeMutableBufferPointer { g -> IPAddress? in
            var count = 0
            var gap = -1  // index in groups where "::" was found
            var i = start
            if end - start >= 2 && p[start] == UInt8(ascii: ":") {
                guard p[start + 1] == UInt8(ascii: ":") else { return nil }
                gap = 0
                i += 2
                if i == end { return IPAddress(high: 0, low: 0) }
            }
            while i < end {
                // One group, or an embedded IPv4 address at the end.
                var j = i
                var value: UInt32 = 0
                while j < end, j - i < 5, let d = hexValue(p[j]) { value = value << 4 | UInt32(d); j += 1 }
                if j < end && p[j] == UInt8(ascii: ".") {
                    guard count <= 6, let v4 = parseIPv4(p, i, end) else { return nil }
                    g[count] = UInt16(v4 >> 16)
                    g[count + 1] = UInt16(v4 & 0xFFFF)
                    count += 2
                    i = end
                    break
                }
                guard j > i, j - i <= 4, count < 8 else { return nil }
                g[count] = UInt16(value)
                count += 1
                i = j
                if i == end { break }
                guard p[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                if i < end && p[i] == UInt8(ascii: ":") {
                    guard gap < 0 else { return nil }
                    gap = count
                    i += 1
                    if i == end { break }
                } else if i == end {
                    return nil  // trailing single ':'
                }
            }
            if gap >= 0 {
                guard count <= 7 else { return nil }
                let tail = count - gap
                let shift = 8 - count
                var k = tail - 1
                while k >= 0 { g[gap + shift + k] = g[gap + k]; k -= 1 }
                for z in gap..<(gap + shift) { g[z] = 0 }
            } else if count != 8 {
                return nil
            }
            var high: UInt64 = 0, low: UInt64 = 0
            for k in 0..<4 { high = high << 16 | UInt64(g[k]); low = low << 16 | UInt64(g[k + 4]) }
            return IPAddress(high: high, low: low)
        }
    }

    @inline(__always)
    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
