import FirebreakLogs

/// A cheap necessary condition of a rule: a top-level field equal to one of a few plain strings
/// (`eventName: [StopLogging, DeleteTrail]`), checked before the detection so that most events
/// are rejected with one member lookup and a byte compare, without reference counting.
///
/// The fast path decides only for a string member and an ASCII value; anything else (non-ASCII
/// text, numbers, lists, other logs) is decided by the field matcher it was built from.
final class EqualityPrefilter: @unchecked Sendable {
    // @unchecked: every member is immutable after init; the buffers are owned and freed here.
    let field: FieldMatcher
    private let fieldRef: Unmanaged<FieldMatcher>
    let key: String
    let hint: Int
    private let count: Int
    private let starts: UnsafeMutablePointer<Int>
    private let lengths: UnsafeMutablePointer<Int>
    private let bytes: UnsafeMutablePointer<UInt8>

    /// `field` must be a top-level equality (`FieldMatcher.isTopLevelEquality`).
    init(_ field: FieldMatcher, hint: Int) {
        self.field = field
        fieldRef = Unmanaged.passUnretained(field)
        key = field.path.raw
        self.hint = hint
        let values = field.equalityLiterals
        count = values.count
        starts = .allocate(capacity: max(count, 1))
        lengths = .allocate(capacity: max(count, 1))
        let total = values.reduce(0) { $0 + $1.count }
        bytes = .allocate(capacity: max(total, 1))
        var offset = 0
        for (i, value) in values.enumerated() {
            starts[i] = offset
            lengths[i] = value.count
            for b in value {
                bytes[offset] = b
                offset += 1
            }
        }
    }

    deinit {
        starts.deallocate()
        lengths.deallocate()
        bytes.deallocate()
    }

    func matches(json root: JSONValue, _ event: DetectionEvent) -> Bool {
        guard case .object(let object) = root else { return slow(root, event) }
        guard let found = Self.member(object, key, hint: hint) else { return false }
        return decide(found, root, event)
    }

    /// A CloudTrail record read from its tape: the same result as `matches(json: record.record, event)`.
    @inline(__always)
    func matches(tape record: TapeRecord, _ event: DetectionEvent) -> Bool {
        let tape = record.tape
        guard tape.kind(record.root) == .object else { return slow(tape: record, event) }
        guard let found = record.member(id: field.keyID, key: key, hint: hint) else { return false }
        guard tape.kind(found) == .string, let decided = tape.withString(found, { decide($0) }) else {
            return slow(tape: record, event)
        }
        return decided
    }

    private func slow(tape record: TapeRecord, _ event: DetectionEvent) -> Bool {
        fieldRef._withUnsafeGuaranteedRef { $0.matches(tape: record, event) }
    }

    /// The member the prefilter reads: the one at `hint` when its key is `key`, else the last with that key.
    @inline(__always)
    static func member(_ object: JSONObject, _ key: String, hint: Int) -> JSONValue? {
        if hint < object.keys.count && object.keys[hint].utf8.count == key.utf8.count && object.keys[hint] == key {
            return object.values[hint]
        }
        return object[key]
    }

    /// The byte strings an ASCII value is compared with (after ASCII lowercasing): the prefilter passes
    /// an ASCII string value exactly when its lowercased bytes equal one of them.
    var literals: [[UInt8]] {
        (0..<count).map { i in Array(UnsafeBufferPointer(start: bytes + starts[i], count: lengths[i])) }
    }

    @inline(__always)
    private func decide(_ value: JSONValue, _ root: JSONValue, _ event: DetectionEvent) -> Bool {
        guard case .string(let text) = value,
              let decided = text.utf8.withContiguousStorageIfAvailable({ decide($0) }), let result = decided else {
            return slow(root, event)
        }
        return result
    }

    func matches(flow: FlowLogRecord, _ subject: FlowSubject) -> Bool {
        fieldRef._withUnsafeGuaranteedRef { $0.matches(flow: flow, subject) }
    }

    func matches(generic event: DetectionEvent) -> Bool {
        field.matches(generic: event)
    }

    private func slow(_ root: JSONValue, _ event: DetectionEvent) -> Bool {
        fieldRef._withUnsafeGuaranteedRef { $0.matches(json: root, event) }
    }

    /// True or false when the ASCII bytes decide; nil for non-ASCII text.
    @inline(__always)
    private func decide(_ v: UnsafeBufferPointer<UInt8>) -> Bool? {
        var i = 0
        var ascii: Bool?
        while i < count {
            if lengths[i] == v.count {
                if ascii == nil { ascii = ASCII.isASCII(v) }
                if ascii == false { return nil }
                let p = bytes + starts[i]
                var j = 0
                while j < v.count && ASCII.lower(v[j]) == p[j] { j += 1 }
                if j == v.count { return true }
            }
            i += 1
        }
        // No equal length: with ASCII text no value can match.
        if ascii == nil { ascii = ASCII.isASCII(v) }
        return ascii == true ? false : nil
    }
}

extension FieldMatcher {
    /// The lowercased UTF-8 of each value of a top-level equality.
    var equalityLiterals: [[UInt8]] {
        guard case .values(let predicates, _, _) = mode else { return [] }
        return predicates.compactMap { predicate in
            if case .string(let p) = predicate, p.kind == .equals { return p.literal }
            return nil
        }
    }
}
