/// A structural index of one JSON document (a "tape", as simdjson calls it): one pass over the bytes records where
/// each value starts and ends, in document order, and nothing else. No string is decoded and no dictionary is built
/// until someone reads a value: rules read a few fields of a CloudTrail record, and a finding prints the record's own
/// bytes when they are what serializing its tree would write (`isClean`).
///
/// Entry `i` is a value (object member keys are string entries just before their value). A container's `next` is
/// the index after its last descendant, so a value is skipped in one step; a scalar's `next` is `i + 1`. Offsets are
/// into `storage`, which the tape keeps alive. Immutable once built, which is what makes `@unchecked Sendable`
/// sound.
public final class JSONTape: @unchecked Sendable {
    /// What a value is.
    public enum Kind: UInt8, Sendable {
        case object, array, string, number, `true`, `false`, null
    }

    /// One value: 16 bytes.
    public struct Entry: Sendable {
        /// Strings: the first byte after the opening quote; other values: their first byte.
        public var start: UInt32
        /// Strings: the closing quote; other values: the byte after their last.
        public var end: UInt32
        /// The entry after this value and everything inside it.
        public var next: UInt32
        public var kind: Kind
        /// `Flags` bits.
        public var flags: UInt8
        /// Containers: members or elements (saturating at `UInt16.max`).
        public var count: UInt16
    }

    /// `Entry.flags`.
    public enum Flags {
        /// A string with at least one escape: decode it before reading it.
        public static let escaped: UInt8 = 1
        /// A string with bytes outside ASCII.
        public static let nonASCII: UInt8 = 2
        /// A container whose bytes are exactly `JSONValue.serialized()` of its value: no whitespace, strings escaped as
        /// the serializer escapes them and valid UTF-8, integers only (written as `String(Int64)` writes them).
        public static let clean: UInt8 = 4
    }

    let storage: ByteStorage
    /// The document's bytes (offsets in entries are from here).
    public let bytes: UnsafePointer<UInt8>
    public let entries: UnsafePointer<Entry>
    public let count: Int
    private let owned: UnsafeMutablePointer<Entry>

    init(storage: ByteStorage, entries: UnsafeMutablePointer<Entry>, count: Int) {
        self.storage = storage
        bytes = UnsafePointer(storage.base)
        owned = entries
        self.entries = UnsafePointer(entries)
        self.count = count
    }

    deinit { owned.deallocate() }

    /// The tape of `text` (tests, and records built from a tree); nil when it is not one JSON document.
    public static func parse(_ text: [UInt8], maxDepth: Int = 128) -> JSONTape? {
        let storage = ByteStorage(copying: text)
        return JSONTapeBuilder.build(storage, 0, storage.count, maxDepth: maxDepth)
    }

    /// The tape of `buffer[start..<end]`, which must hold exactly one JSON document (whitespace around it allowed),
    /// accepted exactly when `JSONParser` would accept it with the same `maxDepth`; nil otherwise (parse with
    /// `JSONParser` for the error).
    static func build(_ storage: ByteStorage, _ start: Int, _ end: Int, maxDepth: Int) -> JSONTape? {
        JSONTapeBuilder.build(storage, start, end, maxDepth: maxDepth)
    }

    // MARK: Reading

    @inlinable
    public func kind(_ index: Int) -> Kind { entries[index].kind }

    @inlinable
    public func next(_ index: Int) -> Int { Int(entries[index].next) }

    /// The bytes of a value as written: a string's between its quotes (still escaped), any other value's whole text.
    @inlinable
    public func raw(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let entry = entries[index]
        return UnsafeBufferPointer(start: bytes + Int(entry.start), count: Int(entry.end &- entry.start))
    }

    /// True when the value's bytes are what `JSONValue.serialized()` writes for it (strings: when the quoted raw
    /// bytes are).
    public func isClean(_ index: Int) -> Bool {
        let entry = entries[index]
        switch entry.kind {
        case .object, .array: return entry.flags & Flags.clean != 0
        default: return false
        }
    }

    /// The member `key` of the object at `object` (the last one when the key repeats, as `JSONObject` does); nil when
    /// absent or when `object` is not an object.
    public func member(_ object: Int, _ key: String) -> Int? {
        var key = key
        return key.withUTF8 { member(object, key: $0) }
    }

    /// `member(_:_:)` with the key as UTF-8 bytes.
    public func member(_ object: Int, key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard entries[object].kind == .object else { return nil }
        var found: Int?
        var i = object + 1
        let end = Int(entries[object].next)
        while i < end {
            if keyEquals(i, key) { found = i + 1 }
            i = Int(entries[i + 1].next)
        }
        return found
    }

    /// True when the string entry `index` (an object key) decodes to `key`.
    @inlinable
    public func keyEquals(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let entry = entries[index]
        if entry.flags & (Flags.escaped | Flags.nonASCII) != 0 { return slowKeyEquals(index, key) }
        let length = Int(entry.end &- entry.start)
        guard length == key.count else { return false }
        // Keys are short: compared in place, eight bytes at a time, without a call.
        let a = UnsafeRawPointer(bytes + Int(entry.start))
        guard let b = key.baseAddress.map(UnsafeRawPointer.init) else { return true }
        var i = 0
        while i + 8 <= length {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < length {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }

    @usableFromInline
    func slowKeyEquals(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        withString(index) { decoded in decoded.count == key.count && (key.count == 0 || memcmp(decoded.baseAddress!, key.baseAddress!, key.count) == 0) }
    }

    /// Calls `body` with the UTF-8 of the string at `index` as `String(decoding:)` of its decoded bytes would hold it:
    /// the raw bytes when they have no escapes and are ASCII, else the decoded, repaired text.
    @inlinable
    public func withString<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let entry = entries[index]
        if entry.flags & (Flags.escaped | Flags.nonASCII) == 0 {
            return body(UnsafeBufferPointer(start: bytes + Int(entry.start), count: Int(entry.end &- entry.start)))
        }
        var text = string(index)
        return text.withUTF8(body)
    }

    /// The decoded text of the string at `index`.
    public func string(_ index: Int) -> String {
        let entry = entries[index]
        let token = JSONStringToken(start: Int(entry.start), end: Int(entry.end), hasEscapes: entry.flags & Flags.escaped != 0)
        // The builder validated every escape, so decoding cannot fail.
        let scanner = JSONScanner(UnsafeBufferPointer(start: bytes, count: storage.count))
        return (try? scanner.string(token)) ?? ""
    }

    /// The text of the string at `index`, nil when the value is not a string.
    public func stringValue(_ index: Int) -> String? {
        entries[index].kind == .string ? string(index) : nil
    }

    /// The elements of the array at `index` (its members' values for an object), in order.
    public func elements(_ index: Int) -> [Int] {
        var out: [Int] = []
        forEachElement(index) { out.append($0) }
        return out
    }

    /// Calls `body` with each element of the array at `index`, in order.
    @inlinable
    public func forEachElement(_ index: Int, _ body: (Int) -> Void) {
        var i = index + 1
        let end = Int(entries[index].next)
        while i < end {
            body(i)
            i = Int(entries[i].next)
        }
    }

    /// The value at `index` as a tree, the same one `JSONParser` builds from its bytes.
    public func value(_ index: Int) -> JSONValue {
        let entry = entries[index]
        switch entry.kind {
        case .null: return .null
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .string: return .string(string(index))
        case .number:
            var scanner = JSONScanner(UnsafeBufferPointer(start: bytes, count: Int(entry.end)))
            scanner.pos = Int(entry.start)
            return (try? scanner.scanNumber()) ?? .null   // validated when built
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(Int(entry.count))
            var i = index + 1
            let end = Int(entry.next)
            while i < end {
                elements.append(value(i))
                i = Int(entries[i].next)
            }
            return .array(elements)
        case .object:
            var keys: [String] = []
            var values: [JSONValue] = []
            keys.reserveCapacity(Int(entry.count))
            values.reserveCapacity(Int(entry.count))
            var i = index + 1
            let end = Int(entry.next)
            while i < end {
                keys.append(string(i))
                values.append(value(i + 1))
                i = Int(entries[i + 1].next)
            }
            return .object(JSONObject(keys: keys, values: values))
        }
    }

    /// Appends the compact JSON text of the value at `index` (what `value(index).serialized()` is): its own bytes
    /// when they are that text, else the tree's serialization.
    public func writeJSON(_ index: Int, into out: inout [UInt8]) {
        if isClean(index) {
            out.append(contentsOf: raw(index))
        } else {
            value(index).write(into: &out)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
