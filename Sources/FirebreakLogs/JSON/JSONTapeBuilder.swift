#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds a `JSONTape` in one pass over the bytes.
///
/// It accepts exactly what `JSONParser` accepts (the same grammar, the same nesting limit, string escapes validated
/// as `JSONScanner.unescape` validates them, numbers as `JSONScanner.scanNumber` reads them), so a document either
/// gets a tape or fails the parser too, which then says why. It decodes nothing: strings are located (eight bytes at
/// a time) and flagged, numbers are checked, and a container is marked clean when nothing inside it would be written
/// differently by `JSONValue.serialized()`.
struct JSONTapeBuilder {
    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var pos: Int
    private let maxDepth: Int
    private var entries: UnsafeMutablePointer<JSONTape.Entry>
    private var capacity: Int
    private var count = 0
    /// Grows with every byte or token that `JSONValue.serialized()` would write differently (whitespace, an escape
    /// it would not write, a non-integer number, invalid UTF-8): a container is clean when it did not grow inside it.
    private var dirt = 0

    private struct Failure: Error {}

    private init(_ storage: ByteStorage, _ start: Int, _ end: Int, maxDepth: Int) {
        base = UnsafePointer(storage.base)
        self.end = end
        pos = start
        self.maxDepth = maxDepth
        capacity = max(16, (end - start) / 8)
        entries = Self.allocate(capacity)
    }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<JSONTape.Entry> {
        guard let raw = malloc(capacity * MemoryLayout<JSONTape.Entry>.stride) else { fatalError("out of memory building a JSON tape") }
        return raw.bindMemory(to: JSONTape.Entry.self, capacity: capacity)
    }

    /// The tape of `storage[start..<end]`, nil when it is not exactly one JSON document within `maxDepth` (or is
    /// larger than the 4 GiB a tape offset can address).
    static func build(_ storage: ByteStorage, _ start: Int, _ end: Int, maxDepth: Int) -> JSONTape? {
        guard storage.count <= Int(UInt32.max), start <= end, end <= storage.count else { return nil }
        var builder = JSONTapeBuilder(storage, start, end, maxDepth: maxDepth)
        do {
            builder.skipSpace()
            try builder.value(depth: 0)
            builder.skipSpace()
            guard builder.pos == end else { throw Failure() }
        } catch {
            free(builder.entries)
            return nil
        }
        return JSONTape(storage: storage, entries: builder.entries, count: builder.count)
    }

    @inline(__always)
    private mutating func skipSpace() {
        while pos < end {
            let c = base[pos]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            pos += 1
            dirt &+= 1
        }
    }

    @inline(__always)
    private mutating func append(_ kind: JSONTape.Kind, _ start: Int, _ end: Int, _ flags: UInt8) -> Int {
        if count == capacity {
            capacity *= 2
            guard let raw = realloc(entries, capacity * MemoryLayout<JSONTape.Entry>.stride) else {
                fatalError("out of memory building a JSON tape")
            }
            entries = raw.bindMemory(to: JSONTape.Entry.self, capacity: capacity)
        }
        let index = count
        (entries + index).initialize(to: JSONTape.Entry(start: UInt32(truncatingIfNeeded: start), end: UInt32(truncatingIfNeeded: end),
                                                        next: UInt32(truncatingIfNeeded: index + 1), kind: kind, flags: flags, count: 0))
        count += 1
        return index
    }

    /// A value starting at `pos` (no whitespace before it).
    private mutating func value(depth: Int) throws(Failure) {
        guard pos < end else { throw Failure() }
        switch base[pos] {
        case 0x22: try string()
        case UInt8(ascii: "{"): try object(depth: depth)
        case UInt8(ascii: "["): try array(depth: depth)
        case UInt8(ascii: "t"): try literal("true", .true)
        case UInt8(ascii: "f"): try literal("false", .false)
        case UInt8(ascii: "n"): try literal("null", .null)
        case UInt8(ascii: "-"), 0x30...0x39: try number()
        default: throw Failure()
        }
    }

    private mutating func object(depth: Int) throws(Failure) {
        guard depth < maxDepth else { throw Failure() }
        let index = append(.object, pos, pos, 0)
        let dirtBefore = dirt
        pos += 1
        skipSpace()
        var members = 0
        if pos < end && base[pos] == UInt8(ascii: "}") {
            pos += 1
        } else {
            while true {
                skipSpace()
                guard pos < end, base[pos] == 0x22 else { throw Failure() }
                try string()
                skipSpace()
                guard pos < end, base[pos] == UInt8(ascii: ":") else { throw Failure() }
                pos += 1
                skipSpace()
                try value(depth: depth + 1)
                members += 1
                skipSpace()
                guard pos < end else { throw Failure() }
                let c = base[pos]
                pos += 1
                if c == UInt8(ascii: "}") { break }
                guard c == UInt8(ascii: ",") else { throw Failure() }
            }
        }
        close(index, members: members, clean: dirt == dirtBefore)
    }

    private mutating func array(depth: Int) throws(Failure) {
        guard depth < maxDepth else { throw Failure() }
        let index = append(.array, pos, pos, 0)
        let dirtBefore = dirt
        pos += 1
        skipSpace()
        var elements = 0
        if pos < end && base[pos] == UInt8(ascii: "]") {
            pos += 1
        } else {
            while true {
                skipSpace()
                try value(depth: depth + 1)
                elements += 1
                skipSpace()
                guard pos < end else { throw Failure() }
                let c = base[pos]
                pos += 1
                if c == UInt8(ascii: "]") { break }
                guard c == UInt8(ascii: ",") else { throw Failure() }
            }
        }
        close(index, members: elements, clean: dirt == dirtBefore)
    }

    @inline(__always)
    private mutating func close(_ index: Int, members: Int, clean: Bool) {
        entries[index].end = UInt32(truncatingIfNeeded: pos)
        entries[index].next = UInt32(truncatingIfNeeded: count)
        entries[index].count = UInt16(min(members, Int(UInt16.max)))
        if clean { entries[index].flags = JSONTape.Flags.clean }
    }

    private mutating func literal(_ text: StaticString, _ kind: JSONTape.Kind) throws(Failure) {
        let n = text.utf8CodeUnitCount
        guard pos + n <= end, memcmp(base + pos, text.utf8Start, n) == 0 else { throw Failure() }
        _ = append(kind, pos, pos + n, 0)
        pos += n
    }

    /// A string whose opening quote is at `pos`. Eight bytes are checked at a time (SWAR) while none of them is `"`,
    /// `\`, a control character, DEL or outside ASCII.
    @inline(__always)
    private mutating func string() throws(Failure) {
        let open = pos
        var p = pos + 1
        var flags: UInt8 = 0
        let raw = UnsafeRawPointer(base)
        while true {
            while p + 8 <= end {
                let v = raw.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                let q = v ^ 0x2222_2222_2222_2222
                let b = v ^ 0x5C5C_5C5C_5C5C_5C5C
                let special = ((q &- 0x0101_0101_0101_0101) & ~q) | ((b &- 0x0101_0101_0101_0101) & ~b)
                    | ((v &- 0x2020_2020_2020_2020) & ~v) | v | (v &+ 0x0101_0101_0101_0101)
                if special & 0x8080_8080_8080_8080 != 0 { break }
                p += 8
            }
            let stop = min(p + 8, end)
            while p < stop {
                let c = base[p]
                if c == 0x22 {
                    _ = append(.string, open + 1, p, flags)
                    pos = p + 1
                    if flags != 0 { try check(open + 1, p, flags) }
                    return
                }
                if c == 0x5C {
                    flags |= JSONTape.Flags.escaped
                    p += 2
                    continue
                }
                if c < 0x20 { throw Failure() }
                if c >= 0x7F {
                    if c == 0x7F { dirt &+= 1 } else { flags |= JSONTape.Flags.nonASCII }   // the serializer escapes DEL
                }
                p += 1
            }
            if p >= end { throw Failure() }
        }
    }

    /// Validates the escapes of a string as `JSONScanner.unescape` does, and dirties it for an escape the serializer
    /// would write otherwise or for invalid UTF-8 (which decoding repairs).
    private mutating func check(_ start: Int, _ end: Int, _ flags: UInt8) throws(Failure) {
        if flags & JSONTape.Flags.escaped != 0 {
            var p = start
            while p < end {
                guard base[p] == 0x5C else { p += 1; continue }
                guard p + 1 < end else { throw Failure() }
                let e = base[p + 1]
                p += 2
                switch e {
                case 0x22, 0x5C, UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case 0x2F:
                    dirt &+= 1   // written as a plain '/'
                case UInt8(ascii: "u"):
                    guard p + 4 <= end, let unit = hex4(p) else { throw Failure() }
                    // The serializer writes `\u00xx` (lowercase) for control characters without a short escape, and DEL.
                    let lower = (0..<4).allSatisfy { base[p + $0] < UInt8(ascii: "A") || base[p + $0] > UInt8(ascii: "F") }
                    let hasShortForm = unit == 0x08 || unit == 0x09 || unit == 0x0A || unit == 0x0C || unit == 0x0D
                    if !(lower && (unit < 0x20 || unit == 0x7F) && !hasShortForm) { dirt &+= 1 }
                    p += 4
                default:
                    throw Failure()
                }
            }
        }
        if flags & JSONTape.Flags.nonASCII != 0, !Self.isValidUTF8(base + start, end - start) { dirt &+= 1 }
    }

    private func hex4(_ p: Int) -> UInt16? { JSONHex.unit(base + p) }

    /// A number at `pos`: a plain integer of 1–18 digits is taken at once; anything else is read by
    /// `JSONScanner.scanNumber`, which validates it as the parser does.
    private mutating func number() throws(Failure) {
        let start = pos
        var p = pos
        while p < end && base[p] &- 0x30 <= 9 { p += 1 }
        let digits = p - pos
        if digits >= 1 && digits <= 18 && (digits == 1 || base[pos] != 0x30) && p < end {
            let c = base[p]
            if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 {
                _ = append(.number, start, p, 0)
                pos = p
                return
            }
        }
        var scanner = JSONScanner(UnsafeBufferPointer(start: base, count: end))
        scanner.pos = start
        let value: JSONValue
        do {
            value = try scanner.scanNumber()
        } catch {
            throw Failure()
        }
        pos = scanner.pos
        _ = append(.number, start, pos, 0)
        // Clean only when `String(Int64)` writes it back the same (not `-0`, not a double).
        if case .int(let i) = value, String(i).utf8.count == pos - start {} else { dirt &+= 1 }
    }

    /// Strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF): what `String(decoding:as:)` keeps as is.
    static func isValidUTF8(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 0
        while i < count {
            let b0 = p[i]
            if b0 < 0x80 { i += 1; continue }
            func continuation(_ k: Int) -> Bool { i + k < count && p[i + k] & 0xC0 == 0x80 }
            if b0 >= 0xC2 && b0 <= 0xDF {
                guard continuation(1) else { return false }
                i += 2
            } else if b0 >= 0xE0 && b0 <= 0xEF {
                guard continuation(1), continuation(2) else { return false }
                let b1 = p[i + 1]
                if b0 == 0xE0 && b1 < 0xA0 { return false }   // overlong
                if b0 == 0xED && b1 >= 0xA0 { return false }   // surrogate
                i += 3
            } else if b0 >= 0xF0 && b0 <= 0xF4 {
                guard continuation(1), continuation(2), continuation(3) else { return false }
                let b1 = p[i + 1]
                if b0 == 0xF0 && b1 < 0x90 { return false }   // overlong
                if b0 == 0xF4 && b1 >= 0x90 { return false }   // past U+10FFFF
                i += 4
            } else {
                return false
            }
        }
        return true
    }
}
