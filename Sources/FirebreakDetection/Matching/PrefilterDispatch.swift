import FirebreakLogs

/// Picks, from one member of a JSON event (CloudTrail `eventName`), the rules that can match it.
///
/// Most CloudTrail rules have an `EqualityPrefilter` on `eventName`; that prefilter rejects an ASCII
/// string value exactly when its lowercased bytes equal none of the prefilter's literals. So an event
/// need only be run through the rules whose prefilter lists its (lowercased) value plus the rules
/// without such a prefilter: the others would reject it in their prefilter. Anything the prefilter
/// would not decide by the bytes (non-ASCII text, a value that is not a string, a record that is not
/// an object) gets every rule.
final class PrefilterDispatch: Sendable {
    let key: String
    private let keyID: Int
    private let hint: Int
    /// Rule positions (ascending) for an ASCII string value listed by no prefilter, or an absent member.
    private let unfiltered: [Int]
    /// By FNV-1a of the literal: (literal, rule positions ascending: the unfiltered rules and the rules listing it).
    private let table: [UInt64: [(literal: [UInt8], positions: [Int])]]

    /// `nil` when no rule has a prefilter on `key` (nothing to gain).
    init?(rules: [CompiledRule], key: String) {
        var unfiltered: [Int] = []
        var listing: [[UInt8]: [Int]] = [:]
        var hint = Int.max
        for (position, rule) in rules.enumerated() {
            guard let prefilter = rule.program.equalityPrefilter(on: key) else { unfiltered.append(position); continue }
            hint = prefilter.hint
            for literal in Set(prefilter.literals) { listing[literal, default: []].append(position) }
        }
        guard !listing.isEmpty else { return nil }
        self.key = key
        keyID = RecordKey.id(key)
        self.hint = hint
        self.unfiltered = unfiltered
        var table: [UInt64: [(literal: [UInt8], positions: [Int])]] = [:]
        for (literal, positions) in listing {
            let merged = (unfiltered + positions).sorted()
            literal.withUnsafeBufferPointer { table[Self.hash($0), default: []].append((literal, merged)) }
        }
        self.table = table
    }

    /// The positions of the rules that can match `root`, ascending; nil when every rule must be tried.
    @inline(__always)
    func candidates(_ root: JSONValue) -> [Int]? {
        guard case .object(let object) = root else { return nil }
        // Every prefilter on the member rejects an absent member.
        guard let value = EqualityPrefilter.member(object, key, hint: hint) else { return unfiltered }
        guard case .string(let text) = value else { return nil }
        let found: [Int]?? = text.utf8.withContiguousStorageIfAvailable { bytes -> [Int]? in
            guard ASCII.isASCII(bytes) else { return nil }
            if let entries = table[Self.hash(bytes, lowercased: true)] {
                for entry in entries where Self.equalLowercased(bytes, entry.literal) { return entry.positions }
            }
            return unfiltered
        }
        return found ?? nil
    }

    /// `candidates(_:)` for a CloudTrail record read from its tape.
    @inline(__always)
    func candidates(tape record: TapeRecord) -> [Int]? {
        let tape = record.tape
        guard tape.kind(record.root) == .object else { return nil }
        guard let value = record.member(id: keyID, key: key, hint: hint) else { return unfiltered }
        guard tape.kind(value) == .string else { return nil }
        return tape.withString(value) { bytes -> [Int]? in
            guard ASCII.isASCII(bytes) else { return nil }
            if let entries = table[Self.hash(bytes, lowercased: true)] {
                for entry in entries where Self.equalLowercased(bytes, entry.literal) { return entry.positions }
            }
            return unfiltered
        }
    }

    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, lowercased: Bool = false) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(lowercased ? ASCII.lower(b) : b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    @inline(__always)
    private static func equalLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: [UInt8]) -> Bool {
        guard bytes.count == literal.count else { return false }
        var i = 0
        while i < bytes.count {
            if ASCII.lower(bytes[i]) != literal[i] { return false }
            i += 1
        }
        return true
    }
}
