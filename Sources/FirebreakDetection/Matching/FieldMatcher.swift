import FirebreakLogs

/// One compiled `field|modifiers: values` item: reads the field and tests its values.
///
/// A path crossing a JSON list visits every element, and a list at the end of the path is
/// visited element by element, so the field matches when any of its values does. For `all`,
/// each value of the item must match some value of the field.
final class FieldMatcher: Sendable {
    enum Mode: Sendable {
        /// Any predicate matches some value (`all`: every predicate matches some value). With `orNull`, an
        /// absent or null field also matches (`null` among the values).
        case values([ValuePredicate], all: Bool, orNull: Bool)
        /// `exists: true/false`: the field has a non-null value, or not.
        case exists(Bool)
        /// `fieldref`: the field's text equals that of (any, or with `all` every) named field.
        case fieldref([FieldPath], cased: Bool, all: Bool)
    }

    let path: FieldPath
    let mode: Mode
    let flowReader: FlowFieldReader
    let flowPredicates: [FlowPredicate]

    // `mode` flattened for the hot path.
    private enum Kind { case values, exists, fieldref }
    private let kind: Kind
    private let predicates: [ValuePredicate]
    private let all: Bool
    private let orNull: Bool
    private let expected: Bool
    private let components: [String]
    /// Per path component: the member index to try first (CloudTrail's usual top-level order), or Int.max.
    private let hints: [Int]
    /// The CloudTrail field computed for this path (`firebreak.*`), if it names one.
    private let computed: CloudTrailFacts.Field?
    /// `computed`'s position in `CloudTrailFacts.Field.allCases` (its slot in a `ComputedFieldCache`).
    private let computedSlot: Int

    /// The first path component as a `RecordKey` (where a resolved CloudTrail record holds it).
    let keyID: Int

    /// Where CloudTrail puts its first members (they come before the optional `errorCode`).
    static let cloudTrailOrder = RecordKey.cloudTrailOrder

    init(path: FieldPath, mode: Mode) {
        self.path = path
        self.mode = mode
        let reader = FlowFieldReader(name: path.raw)
        self.flowReader = reader
        components = path.components
        hints = path.components.enumerated().map { $0.offset == 0 ? Self.cloudTrailOrder[$0.element] ?? Int.max : Int.max }
        computed = ComputedFields.field(of: path)
        computedSlot = computed.flatMap { CloudTrailFacts.Field.allCases.firstIndex(of: $0) } ?? 0
        keyID = RecordKey.id(path.components[0])
        switch mode {
        case .values(let predicates, let all, let orNull):
            kind = .values
            self.predicates = predicates
            self.all = all
            self.orNull = orNull
            expected = true
            flowPredicates = predicates.map { FlowPredicate($0, reader: reader) }
        case .exists(let expected):
            kind = .exists
            predicates = []
            all = false
            orNull = false
            self.expected = expected
            flowPredicates = []
        case .fieldref(_, _, let all):
            kind = .fieldref
            predicates = []
            self.all = all
            orNull = false
            expected = true
            flowPredicates = []
        }
    }

    /// A rough cost, to evaluate cheap items first.
    var cost: Int {
        let depth = path.components.count
        switch mode {
        case .exists: return depth
        case .fieldref: return 50
        case .values(let predicates, _, _):
            var cost = depth
            for predicate in predicates {
                switch predicate {
                case .regex: cost += 40
                case .string(let p) where p.kind == .glob || p.kind == .contains: cost += 3
                default: cost += 1
                }
            }
            return cost
        }
    }

    // MARK: Matching

    /// Probes for `search`.
    private static let anyPredicate = -1
    private static let nonNull = -2

    func matches(json record: JSONValue, _ event: DetectionEvent) -> Bool {
        var root = record
        if let computed, event.kind == .cloudTrail { root = ComputedFields.root(computed, of: record) }
        return matches(root: root, record: record, event)
    }

    /// `matches(json:_:)` once the path's root is known (`record` itself, or the computed field's object).
    private func matches(root: JSONValue, record: JSONValue, _ event: DetectionEvent) -> Bool {
        var saw = false
        switch kind {
        case .values:
            if all {
                var i = 0
                while i < predicates.count {
                    if !search(root, 0, i, &saw) { return false }
                    i += 1
                }
                return true
            }
            if search(root, 0, Self.anyPredicate, &saw) { return true }
            return orNull && !saw
        case .exists:
            return search(root, 0, Self.nonNull, &saw) == expected
        case .fieldref:
            guard case .fieldref(let others, let cased, let all) = mode else { return false }
            let own = jsonTexts(root, path)
            return Self.fieldref(own, others.map { jsonTexts(ComputedFields.source(record, $0, event), $0) }, cased: cased, all: all)
        }
    }

    /// Walks the path from `value` (at component `depth`), visiting every element of lists on the
    /// way and at the end; true as soon as a non-null leaf passes `probe` (a predicate index, `anyPredicate`
    /// or `nonNull`). `saw` records that a non-null leaf was found.
    private func search(_ value: JSONValue, _ depth: Int, _ probe: Int, _ saw: inout Bool) -> Bool {
        if depth == components.count {
            switch value {
            case .array(let elements):
                // Elements are read in place (borrowed through the buffer), not copied out of the array.
                return elements.withUnsafeBufferPointer { buffer in
                    var i = 0
                    while i < buffer.count {
                        if search(buffer[i], depth, probe, &saw) { return true }
                        i += 1
                    }
                    return false
                }
            case .null:
                return false
            default:
                saw = true
                if probe >= 0 { return predicates[probe].test(value) }
                if probe == Self.nonNull { return true }
                var i = 0
                while i < predicates.count {
                    if predicates[i].test(value) { return true }
                    i += 1
                }
                return false
            }
        }
        switch value {
        case .object(let object):
            let key = components[depth]
            let hint = hints[depth]
            let count = object.keys.count
            if hint < count && Self.same(object.keys[hint], key) {
                return object.values.withUnsafeBufferPointer { search($0[hint], depth + 1, probe, &saw) }
            }
            if count <= 32 {
                // Small objects: scan (last duplicate wins, as in `JSONObject`).
                var i = count - 1
                while i >= 0 {
                    if Self.same(object.keys[i], key) {
                        return object.values.withUnsafeBufferPointer { search($0[i], depth + 1, probe, &saw) }
                    }
                    i -= 1
                }
                return false
            }
            guard let next = object[key] else { return false }
            return search(next, depth + 1, probe, &saw)
        case .array(let elements):
            return elements.withUnsafeBufferPointer { buffer in
                var i = 0
                while i < buffer.count {
                    if search(buffer[i], depth, probe, &saw) { return true }
                    i += 1
                }
                return false
            }
        default:
            return false
        }
    }

    /// A CloudTrail record read from its tape: the same result as `matches(json: record.record, event)`. Computed
    /// fields are read from the record's computed object (`TapeRecord.computedRoot`, computed once per record when
    /// the record has a cache), `fieldref` from the record's whole tree (built for them).
    func matches(tape record: TapeRecord, _ event: DetectionEvent) -> Bool {
        if kind == .fieldref { return matches(json: record.tape.value(record.root), event) }
        if let computed {
            let root = record.computedRoot(computed, slot: computedSlot)
            return matches(root: root, record: root, event)
        }
        var saw = false
        switch kind {
        case .values:
            if all {
                var i = 0
                while i < predicates.count {
                    if !searchRoot(record, i, &saw) { return false }
                    i += 1
                }
                return true
            }
            if searchRoot(record, Self.anyPredicate, &saw) { return true }
            return orNull && !saw
        case .exists:
            return searchRoot(record, Self.nonNull, &saw) == expected
        case .fieldref:
            return false
        }
    }

    /// `search` from the record itself: its member for the first component comes from the resolved slots.
    @inline(__always)
    private func searchRoot(_ record: TapeRecord, _ probe: Int, _ saw: inout Bool) -> Bool {
        let tape = record.tape
        guard tape.kind(record.root) == .object else { return search(tape, record.root, 0, probe, &saw) }
        guard let member = record.member(id: keyID, key: components[0], hint: hints[0]) else { return false }
        return search(tape, member, 1, probe, &saw)
    }

    /// `search(_:_:_:_:)` over a tape: the same walk, leaves read in place.
    private func search(_ tape: JSONTape, _ index: Int, _ depth: Int, _ probe: Int, _ saw: inout Bool) -> Bool {
        let kind = tape.kind(index)
        if depth == components.count {
            switch kind {
            case .array:
                var i = index + 1
                let end = tape.next(index)
                while i < end {
                    if search(tape, i, depth, probe, &saw) { return true }
                    i = tape.next(i)
                }
                return false
            case .null:
                return false
            default:
                saw = true
                if probe >= 0 { return Self.test(predicates[probe], tape, index) }
                if probe == Self.nonNull { return true }
                var i = 0
                while i < predicates.count {
                    if Self.test(predicates[i], tape, index) { return true }
                    i += 1
                }
                return false
            }
        }
        switch kind {
        case .object:
            guard let next = TapeRecord.member(tape, index, components[depth], hint: hints[depth]) else { return false }
            return search(tape, next, depth + 1, probe, &saw)
        case .array:
            var i = index + 1
            let end = tape.next(index)
            while i < end {
                if search(tape, i, depth, probe, &saw) { return true }
                i = tape.next(i)
            }
            return false
        default:
            return false
        }
    }

    /// `predicate.test(tape.value(index))` for a leaf; strings (and clean objects, as their JSON text) are read in
    /// place.
    @inline(__always)
    private static func test(_ predicate: ValuePredicate, _ tape: JSONTape, _ index: Int) -> Bool {
        if case .string(let pattern) = predicate {
            switch tape.kind(index) {
            case .string: return tape.withString(index) { pattern.matches(utf8: $0) }
            case .object where tape.isClean(index): return pattern.matches(utf8: tape.raw(index))
            default: break
            }
        }
        return predicate.test(tape.value(index))
    }

    @inline(__always)
    private static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a == b
    }

    private func jsonTexts(_ root: JSONValue, _ path: FieldPath) -> [String] {
        root.values(at: path.components).flatMap { value -> [String] in
            if case .array(let elements) = value { return elements.filter { !$0.isNull }.map(ValuePredicate.text) }
            return value.isNull ? [] : [ValuePredicate.text(value)]
        }
    }

    func matches(flow: FlowLogRecord, _ subject: FlowSubject) -> Bool {
        switch kind {
        case .values:
            guard let value = flowReader.read(flow, direction: subject.direction) else { return orNull }
            return test(flowValue: value)
        case .exists:
            return (flowReader.read(flow, direction: subject.direction) != nil) == expected
        case .fieldref:
            return matches(generic: subject.event)
        }
    }

    /// The `values` test on a flow field's value (present).
    @inline(__always)
    private func test(flowValue value: FlowValue) -> Bool {
        // The predicates are read in place (an `addresses` predicate holds a set: a copy would retain it).
        flowPredicates.withUnsafeBufferPointer { predicates in
            var i = 0
            if all {
                while i < predicates.count {
                    if !predicates[i].test(value, reader: flowReader) { return false }
                    i += 1
                }
                return true
            }
            while i < predicates.count {
                if predicates[i].test(value, reader: flowReader) { return true }
                i += 1
            }
            return false
        }
    }

    /// The result of `matches(flow:_:)` on a record whose field, an enumerated one (`action`, `log-status`, `type`,
    /// `flow-direction`), reads as choice `choice` (`FlowFieldReader.choices`; nil when absent). Nil when the field is
    /// not enumerated, or for a `fieldref` (decided by other fields).
    func decision(choice: Int?) -> Bool? {
        guard flowReader.choices != nil else { return nil }
        switch kind {
        case .values:
            guard let choice else { return orNull }
            return test(flowValue: .choice(choice))
        case .exists:
            return (choice != nil) == expected
        case .fieldref:
            return nil
        }
    }

    func matches(generic event: DetectionEvent) -> Bool {
        matchesValues(event.values(at: path), event: event)
    }

    /// The generic path: the field's values as `DetectionEvent.values(at:)` returns them.
    func matchesValues(_ values: [FieldValue], event: DetectionEvent) -> Bool {
        let present = values.filter { $0 != .null }
        switch mode {
        case .values(let predicates, let all, let orNull):
            if all { return predicates.allSatisfy { predicate in present.contains { predicate.test($0) } } }
            if present.isEmpty { return orNull }
            return predicates.contains { predicate in present.contains { predicate.test($0) } }
        case .exists(let expected):
            return !present.isEmpty == expected
        case .fieldref(let others, let cased, let all):
            func texts(_ values: [FieldValue]) -> [String] { values.filter { $0 != .null }.map(\.description) }
            return Self.fieldref(texts(present), others.map { texts(event.values(at: $0)) }, cased: cased, all: all)
        }
    }

    private static func fieldref(_ own: [String], _ others: [[String]], cased: Bool, all: Bool) -> Bool {
        func equal(_ other: [String]) -> Bool {
            other.contains { o in
                let pattern = StringPattern(SigmaString(literal: o), cased: cased)
                return own.contains { pattern.matches($0) }
            }
        }
        return all ? others.allSatisfy(equal) : others.contains(where: equal)
    }

    // MARK: Reading values for findings

    /// The field's values in `event` (list elements one by one), nulls left out.
    static func values(in event: DetectionEvent, at path: FieldPath) -> [FieldValue] {
        switch event.storage.decoded.event {
        case .cloudTrail(let record):
            if let field = ComputedFields.field(of: path) {
                return Self.jsonValues(ComputedFields.root(field, of: TapeRecord(record).factsTree(for: field)), path)
            }
            let tape = record.tape
            return tape.values(at: path.components[...], from: record.index).flatMap { index -> [FieldValue] in
                switch tape.kind(index) {
                case .array: return tape.elements(index).filter { tape.kind($0) != .null }.map { FieldValue(tape.value($0)) }
                case .null: return []
                default: return [FieldValue(tape.value(index))]
                }
            }
        case .json(let value): return Self.jsonValues(value, path)
        case .dnsQuery(let record): return Self.jsonValues(record.fields, path)
        case .guardDuty(let finding): return Self.jsonValues(finding.finding, path)
        default: return event.values(at: path).filter { $0 != .null }
        }
    }

    private static func jsonValues(_ root: JSONValue, _ path: FieldPath) -> [FieldValue] {
        root.values(at: path.components).flatMap { value -> [FieldValue] in
            if case .array(let elements) = value { return elements.filter { !$0.isNull }.map(FieldValue.init) }
            return value.isNull ? [] : [FieldValue(value)]
        }
    }
}
