import FirebreakLogs

/// A CloudTrail record as rules read it: its tape, the record's entry, and (when the rule set resolved them) its
/// top-level members by key id (`RecordKeyTable`).
struct TapeRecord {
    let tape: JSONTape
    let root: Int
    /// By `RecordKey` id: the member's value entry, -1 when absent, -2 when not resolved; nil: nothing resolved.
    let slots: UnsafePointer<Int32>?
    /// How many `slots` there are (ids past them are not resolved).
    let slotCount: Int
    /// Where the record's computed fields are kept once computed (reset for this record); nil: computed at each read.
    let facts: Unmanaged<ComputedFieldCache>?

    init(_ record: CloudTrailRecord, slots: UnsafePointer<Int32>? = nil, count: Int = 0,
         facts: Unmanaged<ComputedFieldCache>? = nil) {
        tape = record.tape
        root = record.index
        self.slots = slots
        slotCount = slots == nil ? 0 : count
        self.facts = facts
    }

    /// `{"firebreak": {field: value}}` for the record (`ComputedFields.root`); `slot` is the field's position in
    /// `CloudTrailFacts.Field.allCases`.
    func computedRoot(_ field: CloudTrailFacts.Field, slot: Int) -> JSONValue {
        if let facts { return facts._withUnsafeGuaranteedRef { $0.root(field, slot: slot, of: self) } }
        return ComputedFields.root(field, of: factsTree(for: field))
    }

    /// The record's tree with only the members computed fields read (`CloudTrailFacts.members`, or those of `field`;
    /// `requestParameters` only when the field reads them for this call); the whole tree when the record is no
    /// object.
    func factsTree(for field: CloudTrailFacts.Field? = nil) -> JSONValue {
        guard tape.kind(root) == .object else { return tape.value(root) }
        var object = JSONObject()
        var keys = field.map(CloudTrailFacts.members(of:)) ?? CloudTrailFacts.members
        if let field, keys.contains("requestParameters") {
            let source = tape.member(root, "eventSource").flatMap(tape.stringValue)
            let name = tape.member(root, "eventName").flatMap(tape.stringValue)
            if !CloudTrailFacts.readsParameters(field, eventSource: source, eventName: name) {
                keys.removeAll { $0 == "requestParameters" }
            }
        }
        for key in keys {
            if let member = tape.member(root, key) { object.append(key, tape.value(member)) }
        }
        return .object(object)
    }

    /// The top-level member `key` (id `id`, usual position `hint`): the one at position `hint` when it has the key,
    /// else the last with the key; nil when absent. The record must be an object.
    @inline(__always)
    func member(id: Int, key: String, hint: Int) -> Int? {
        if let slots, id < slotCount {
            let slot = slots[id]
            if slot >= 0 { return Int(slot) }
            if slot == -1 { return nil }
        }
        return Self.member(tape, root, key, hint: hint)
    }

    /// `member(id:key:hint:)` by walking the object at `object`.
    static func member(_ tape: JSONTape, _ object: Int, _ key: String, hint: Int) -> Int? {
        var key = key
        return key.withUTF8 { key -> Int? in
            if hint < Int(tape.entries[object].count) {
                var i = object + 1
                var position = 0
                while position < hint {
                    i = tape.next(i + 1)
                    position += 1
                }
                if tape.keyEquals(i, key) { return i + 1 }
            }
            return tape.member(object, key: key)
        }
    }
}
