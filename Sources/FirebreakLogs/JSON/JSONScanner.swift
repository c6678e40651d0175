/// Byte-level JSON tokenizer over memory the caller keeps alive. Used by `JSONParser` to build
/// trees and directly by the Firehose and CloudWatch Logs scanners, which skip what they do
/// not need and take strings as byte ranges (no copy when there is no escape).
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    var pos: Int
    /// Added to offsets in errors (position of this buffer inside a larger document).
    var offsetBias = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>, offsetBias: Int = 0) {
        // A zero-length buffer may have a nil base address; point at a static byte instead.
        base = buffer.baseAddress ?? JSONScanner.emptyBase
        end = buffer.count
        pos = 0
        self.offsetBias = offsetBias
    }

    // Never written after initialization, so sharing it is safe.
    nonisolated(unsafe) private static let emptyBase: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    func error(_ message: String, at position: Int? = nil) -> JSONParseError {
        JSONParseError(offset: (position ?? pos) + offsetBias, message: message)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let c = base[pos]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { return }
        }
    }

    /// The next non-whitespace byte, without consuming it; nil at end of input.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return pos < end ? base[pos] : nil
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONParseError) {
        skipWhitespace()
        guard pos < end else { throw error("unexpected end of input, expected \(what)") }
        guard base[pos] == byte else { throw error("expected \(what), found \(describe(base[pos]))") }
        pos += 1
    }

    /// After a value inside a container: consumes the separator `,` (returns false: more follow) or
    /// the container's `close` byte (returns true: the container ended).
    @inline(__always)
    mutating func endOfElement(close: UInt8) throws(JSONParseError) -> Bool {
        guard let next = peek() else { throw separatorError(close: close, found: false) }
        pos += 1
        if next == close { return true }
        if next == UInt8(ascii: ",") { return false }
        throw separatorError(close: close, found: true)
    }

    @inline(never)
    private func separatorError(close: UInt8, found: Bool) -> JSONParseError {
        let container = close == UInt8(ascii: "}") ? "object" : "array"
        guard found else { return error("unterminated \(container)") }
        return error("expected ',' or '\(Character(Unicode.Scalar(close)))' in \(container)", at: pos - 1)
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }

    /// Scans a string whose opening quote is at `pos`; leaves `pos` after the closing quote.
    /// Escapes are only located here; they are validated when decoded. Eight bytes are checked
    /// at a time (SWAR) while none of them is `"`, `\` or a control character.
    @inline(__always)
    mutating func scanString() throws(JSONParseError) -> JSONStringToken {
        let open = pos
        var p = pos + 1
        var escaped = false
        let raw = UnsafeRawPointer(base)
        while true {
            while p + 8 <= end {
                let v = raw.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                let q = v ^ 0x2222_2222_2222_2222
                let b = v ^ 0x5C5C_5C5C_5C5C_5C5C
                let special = ((q &- 0x0101_0101_0101_0101) & ~q) | ((b &- 0x0101_0101_0101_0101) & ~b)
                    | ((v &- 0x2020_2020_2020_2020) & ~v)
                if special & 0x8080_8080_8080_8080 != 0 { break }
                p += 8
            }
            let stop = min(p + 8, end)
            while p < stop {
                let c = base[p]
                if c == 0x22 {
                    pos = p + 1
                    return JSONStringToken(start: open + 1, end: p, hasEscapes: escaped)
                }
                if c == 0x5C {
                    escaped = true
                    p += 2
                    continue
                }
                if c < 0x20 { throw error("unescaped control character in string", at: p) }
                p += 1
            }
            if p >= end { throw error("unterminated string", at: open) }
        }
    }

    /// Expects a string next (after whitespace) and scans it.
    mutating func expectString(_ what: String) throws(JSONParseError) -> JSONStringToken {
        skipWhitespace()
        guard pos < end else { throw error("unexpected end of input, expected \(what)") }
        guard base[pos] == 0x22 else { throw error("expected \(what), found \(describe(base[pos]))") }
        return try scanString()
    }

    /// True when the token's raw bytes equal `literal` (for keys without escapes).
    @inline(__always)
    func tokenEquals(_ token: JSONStringToken, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard !token.hasEscapes, token.end - token.start == n else { return false }
        return memcmpEqual(base + token.start, literal.utf8Start, n)
    }

    @inline(__always)
    private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for i in 0..<n where a[i] != b[i] { return false }
        return true
    }

    /// The decoded text of a string token.
    func string(_ token: JSONStringToken) throws(JSONParseError) -> String {
        if !token.hasEscapes {
            return String(decoding: UnsafeBufferPointer(start: base + token.start, count: token.end - token.start), as: UTF8.self)
        }
        var bytes: [UInt8] = []
        try unescape(token, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the unescaped UTF-8 bytes of a string token to `out`.
    /// Lone UTF-16 surrogates become U+FFFD rather than failing the whole document: a hostile
    /// value in one field (say a user agent) must not make a security event unreadable.
    func unescape(_ token: JSONStringToken, into out: inout [UInt8]) throws(JSONParseError) {
        out.reserveCapacity(out.count + token.end - token.start)
        var p = token.start
        while p < token.end {
            let c = base[p]
            if c != 0x5C { out.append(c); p += 1; continue }
            guard p + 1 < token.end else { throw error("unterminated escape", at: p) }
            let e = base[p + 1]
            p += 2
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hex4(p, limit: token.end) else { throw error("invalid \\u escape", at: p - 2) }
                p += 4
                var scalarValue = UInt32(unit)
                if unit >= 0xD800 && unit < 0xDC00 {
                    // High surrogate: combine with a following \uDC00–\uDFFF low surrogate.
                    if p + 6 <= token.end, base[p] == 0x5C, base[p + 1] == UInt8(ascii: "u"),
                       let low = hex4(p + 2, limit: token.end), low >= 0xDC00 && low < 0xE000 {
                        scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        p += 6
                    } else {
                        scalarValue = 0xFFFD
                    }
                } else if unit >= 0xDC00 && unit < 0xE000 {
                    scalarValue = 0xFFFD
                }
                let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
                out.append(contentsOf: UTF8.encode(scalar)!)
            default:
                throw error("invalid escape '\\\(describe(e))'", at: p - 2)
            }
        }
    }

    private func hex4(_ p: Int, limit: Int) -> UInt16? {
        guard p + 4 <= limit else { return nil }
        return JSONHex.unit(base + p)
    }

    /// Fast path for a plain non-negative integer of 1–18 digits (no leading zero) followed by a
    /// structural character; nil (and `pos` unchanged) for anything else, which the caller
    /// then hands to `scanNumber`.
    @inline(__always)
    mutating func scanSmallUnsigned() -> Int64? {
        skipWhitespace()
        var p = pos
        var value: Int64 = 0
        while p < end {
            let d = base[p] &- 0x30
            if d > 9 { break }
            value = value &* 10 &+ Int64(d)
            p += 1
        }
        let digits = p - pos
        guard digits >= 1 && digits <= 18, digits == 1 || base[pos] != 0x30, p < end else { return nil }
        let c = base[p]
        guard c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else {
            return nil
        }
        pos = p
        return value
    }

    /// Scans a number at `pos` (strict JSON grammar) and returns its value.
    mutating func scanNumber() throws(JSONParseError) -> JSONValue {
        let start = pos
        var p = pos
        var negative = false
        if p < end && base[p] == UInt8(ascii: "-") { negative = true; p += 1 }
        let intStart = p
        guard p < end, base[p] >= 0x30 && base[p] <= 0x39 else { throw error("invalid number", at: start) }
        if base[p] == 0x30 {
            p += 1
            if p < end && base[p] >= 0x30 && base[p] <= 0x39 { throw error("leading zero in number", at: start) }
        } else {
            while p < end && base[p] >= 0x30 && base[p] <= 0x39 { p += 1 }
        }
        let intEnd = p
        var isInteger = true
        if p < end && base[p] == UInt8(ascii: ".") {
            isInteger = false
            p += 1
            let fracStart = p
            while p < end && base[p] >= 0x30 && base[p] <= 0x39 { p += 1 }
            if p == fracStart { throw error("expected digits after decimal point", at: p) }
        }
        if p < end && (base[p] == UInt8(ascii: "e") || base[p] == UInt8(ascii: "E")) {
            isInteger = false
            p += 1
            if p < end && (base[p] == UInt8(ascii: "+") || base[p] == UInt8(ascii: "-")) { p += 1 }
            let expStart = p
            while p < end && base[p] >= 0x30 && base[p] <= 0x39 { p += 1 }
            if p == expStart { throw error("expected digits in exponent", at: p) }
        }
        pos = p
        if isInteger && intEnd - intStart <= 19 {
            // Accumulate negatively so Int64.min is representable; overflow falls back to Double.
            var value: Int64 = 0
            var overflow = false
            for i in intStart..<intEnd {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.subtractingReportingOverflow(Int64(base[i] - 0x30))
                if o1 || o2 { overflow = true; break }
                value = s
            }
            if !overflow {
                if !negative {
                    if value == Int64.min { overflow = true } else { return .int(-value) }
                } else {
                    return .int(value)
                }
            }
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: p - start), as: UTF8.self)
        guard let d = Double(text), d.isFinite else { throw error("number out of range", at: start) }
        return .double(d)
    }

    /// Matches a literal (`true`, `false`, `null`) at `pos`.
    mutating func scanLiteral(_ literal: StaticString) throws(JSONParseError) {
        let n = literal.utf8CodeUnitCount
        guard pos + n <= end, memcmpEqual(base + pos, literal.utf8Start, n) else {
            throw error("invalid literal")
        }
        pos += n
    }

    /// Gives the top-level keys of the JSON object `buffer` starts with to `found`, in order, until it says true (then
    /// true); false when the object ends first or `buffer` does not start with one. A structural scan: values are
    /// skipped, nothing is decoded. How a file's kind is sniffed (`FirehoseDelivery`, `FirehoseBackup`).
    static func scanTopLevelKeys(_ buffer: UnsafeBufferPointer<UInt8>, until found: (JSONScanner, JSONStringToken) -> Bool) -> Bool {
        var s = JSONScanner(buffer)
        guard s.peek() == UInt8(ascii: "{") else { return false }
        s.pos += 1
        do {
            if s.peek() == UInt8(ascii: "}") { return false }
            while true {
                let key = try s.expectString("key")
                if found(s, key) { return true }
                try s.expect(UInt8(ascii: ":"), "':'")
                try s.skipValue(depth: 1, maxDepth: 64)
                guard let next = s.peek(), next == UInt8(ascii: ",") else { return false }
                s.pos += 1
            }
        } catch {
            return false
        }
    }

    /// Skips one value of any type (validating structure, not string escapes).
    mutating func skipValue(depth: Int, maxDepth: Int) throws(JSONParseError) {
        guard let c = peek() else { throw error("unexpected end of input, expected a value") }
        switch c {
        case 0x22: _ = try scanString()
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw error("nesting deeper than \(maxDepth)") }
            pos += 1
            if peek() == UInt8(ascii: "}") { pos += 1; return }
            while true {
                _ = try expectString("object key")
                try expect(UInt8(ascii: ":"), "':'")
                try skipValue(depth: depth + 1, maxDepth: maxDepth)
                if try endOfElement(close: UInt8(ascii: "}")) { return }
            }
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw error("nesting deeper than \(maxDepth)") }
            pos += 1
            if peek() == UInt8(ascii: "]") { pos += 1; return }
            while true {
                try skipValue(depth: depth + 1, maxDepth: maxDepth)
                if try endOfElement(close: UInt8(ascii: "]")) { return }
            }
        case UInt8(ascii: "t"): try scanLiteral("true")
        case UInt8(ascii: "f"): try scanLiteral("false")
        case UInt8(ascii: "n"): try scanLiteral("null")
        default: _ = try scanNumber()
        }
    }

    /// Parses one value into a tree.
    mutating func parseValue(depth: Int, maxDepth: Int) throws(JSONParseError) -> JSONValue {
        guard let c = peek() else { throw error("unexpected end of input, expected a value") }
        switch c {
        case 0x22: return .string(try string(try scanString()))
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw error("nesting deeper than \(maxDepth)") }
            pos += 1
            var keys: [String] = []
            var values: [JSONValue] = []
            if peek() == UInt8(ascii: "}") { pos += 1; return .object(JSONObject(keys: keys, values: values)) }
            while true {
                let key = try string(try expectString("object key"))
                try expect(UInt8(ascii: ":"), "':'")
                let value = try parseValue(depth: depth + 1, maxDepth: maxDepth)
                keys.append(key)
                values.append(value)
                if try endOfElement(close: UInt8(ascii: "}")) { return .object(JSONObject(keys: keys, values: values)) }
            }
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw error("nesting deeper than \(maxDepth)") }
            pos += 1
            var elements: [JSONValue] = []
            if peek() == UInt8(ascii: "]") { pos += 1; return .array(elements) }
            while true {
                elements.append(try parseValue(depth: depth + 1, maxDepth: maxDepth))
                if try endOfElement(close: UInt8(ascii: "]")) { return .array(elements) }
            }
        case UInt8(ascii: "t"): try scanLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try scanLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try scanLiteral("null"); return .null
        case UInt8(ascii: "-"), 0x30...0x39: return try scanNumber()
        default: throw error("unexpected \(describe(c))")
        }
    }
}
