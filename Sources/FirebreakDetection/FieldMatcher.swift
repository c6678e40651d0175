import FirebreakLogs

/// One compiled `field|modifiers: values` item: reads the field and tests its values.
///
/// A path crossing a JSON list visits every element, and a list at the end of the path is
/// visited element by element, so the field matches when any of its values does. For `all`,
/// each value of the item must match some value of the field.
final class FieldMatcher: Sendable {
    enum Mode: Sendable {
        /// Any test matches some value (`all`: every test matches some value). With `orNull`, an
        /// absent or null field also matches (`null` among the values).
        case values([ValueTest], all: Bool, orNull: Bool)
        /// `exists: true/false`: the field has a non-null value, or not.
        case exists(Bool)
        /// `fieldref`: the field's text equals that of (any, or with `all` every) named field.
        case fieldref([FieldPath], cased: Bool, all: Bool)
    }

    /// The item's key as written, for messages.
    let key: String
    let path: FieldPath
    let mode: Mode
    let flowReader: FlowFieldReader
    let flowTests: [FlowTest]

    init(key: String, path: FieldPath, mode: Mode) {
        self.key = key
        self.path = path
        self.mode = mode
        let reader = FlowFieldReader(name: path.raw)
        self.flowReader = reader
        if case .values(let tests, _, _) = mode {
            flowTests = tests.map { FlowTest($0, reader: reader) }
        } else {
            flowTests = []
        }
    }

    /// A rough cost, to evaluate cheap items first.
    var cost: Int {
        let depth = path.components.count
        switch mode {
        case .exists: return depth
        case .fieldref: return 50
        case .values(let tests, _, _):
            var cost = depth
            for test in tests {
                switch test {
                case .regex: cost += 40
                case .string(let p) where p.kind == .glob || p.kind == .contains: cost += 3
                default: cost += 1
                }
            }
            return cost
        }
    }

    // MARK: Matching

    func matches(_ event: DetectionEvent) -> Bool {
        switch event.decoded.event {
        case .cloudTrail(let record): return matchesJSON(record.record)
        case .json(let value): return matchesJSON(value)
        case .flow(let flow): return matchesFlow(flow, direction: event.flowDirection, event: event)
        case .text: return matchesValues(event.values(at: path), event: event)
        }
    }

    func matchesJSON(_ root: JSONValue) -> Bool {
        switch mode {
        case .values(let tests, let all, let orNull):
            if all {
                for test in tests where !visit(root, 0, { test.test($0) }) { return false }
                return true
            }
            var sawValue = false
            if visit(root, 0, { leaf in
                if case .null = leaf { return false }
                sawValue = true
                for test in tests where test.test(leaf) { return true }
                return false
            }) { return true }
            return orNull && !sawValue
        case .exists(let expected):
            return visit(root, 0, { !$0.isNull }) == expected
        case .fieldref(let others, let cased, let all):
            let own = jsonTexts(root, path)
            return Self.fieldref(own, others.map { jsonTexts(root, $0) }, cased: cased, all: all)
        }
    }

    /// Calls `body` on each leaf at the path (list elements one by one) until it returns true.
    private func visit(_ value: JSONValue, _ index: Int, _ body: (JSONValue) -> Bool) -> Bool {
        let components = path.components
        var current = value
        var i = index
        while i < components.count {
            switch current {
            case .object(let object):
                guard let next = object[components[i]] else { return false }
                current = next
                i += 1
            case .array(let elements):
                for element in elements where visit(element, i, body) { return true }
                return false
            default:
                return false
            }
        }
        if case .array(let elements) = current {
            for element in elements where visit(element, components.count, body) { return true }
            return false
        }
        return body(current)
    }

    private func jsonTexts(_ root: JSONValue, _ path: FieldPath) -> [String] {
        root.values(at: path.components).flatMap { value -> [String] in
            if case .array(let elements) = value { return elements.filter { !$0.isNull }.map(ValueTest.text) }
            return value.isNull ? [] : [ValueTest.text(value)]
        }
    }

    private func matchesFlow(_ flow: FlowLogRecord, direction: FlowDirection?, event: DetectionEvent) -> Bool {
        switch mode {
        case .values(_, let all, let orNull):
            guard let value = flowReader.read(flow, direction: direction) else { return orNull }
            if all {
                for test in flowTests where !test.test(value, reader: flowReader) { return false }
                return true
            }
            for test in flowTests where test.test(value, reader: flowReader) { return true }
            return false
        case .exists(let expected):
            return (flowReader.read(flow, direction: direction) != nil) == expected
        case .fieldref:
            return matchesValues(event.values(at: path), event: event)
        }
    }

    /// The generic path: the field's values as `DetectionEvent.values(at:)` returns them.
    func matchesValues(_ values: [FieldValue], event: DetectionEvent) -> Bool {
        let present = values.filter { $0 != .null }
        switch mode {
        case .values(let tests, let all, let orNull):
            if all { return tests.allSatisfy { test in present.contains { test.test($0) } } }
            if present.isEmpty { return orNull }
            return tests.contains { test in present.contains { test.test($0) } }
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
    func values(in event: DetectionEvent, at path: FieldPath) -> [FieldValue] {
        switch event.decoded.event {
        case .cloudTrail(let record): return Self.jsonValues(record.record, path)
        case .json(let value): return Self.jsonValues(value, path)
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
