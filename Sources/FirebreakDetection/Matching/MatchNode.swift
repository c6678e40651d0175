import FirebreakLogs

/// The runtime form of a `Matcher`: a tree of immutable nodes evaluated with the event's payload
/// already unwrapped (the JSON record, or the flow record), so the hot path does no enum copies.
final class MatchNode: Sendable {
    enum Operation: Sendable {
        case and, or, not, field, keywords, always, never
    }

    let operation: Operation
    let children: [MatchNode]
    let field: FieldMatcher?
    let keywords: KeywordMatcher?
    // The same objects without reference counting on each call (they live as long as `self`).
    private let childRefs: [Unmanaged<MatchNode>]
    private let fieldRef: Unmanaged<FieldMatcher>?

    init(_ matcher: Matcher) {
        var children: [MatchNode] = []
        var field: FieldMatcher?
        var keywords: KeywordMatcher?
        switch matcher {
        case .and(let c): operation = .and; children = c.map(MatchNode.init)
        case .or(let c): operation = .or; children = c.map(MatchNode.init)
        case .not(let c): operation = .not; children = [MatchNode(c)]
        case .field(let f): operation = .field; field = f
        case .keywords(let k): operation = .keywords; keywords = k
        case .constant(let value): operation = value ? .always : .never
        }
        self.children = children
        self.field = field
        self.keywords = keywords
        childRefs = children.map { Unmanaged.passUnretained($0) }
        fieldRef = field.map { Unmanaged.passUnretained($0) }
    }

    /// CloudTrail and other JSON events; `root` is the record.
    func matches(json root: JSONValue, _ event: DetectionEvent) -> Bool {
        switch operation {
        case .field: return fieldRef.unsafelyUnwrapped._withUnsafeGuaranteedRef { $0.matches(json: root, event) }
        case .and:
            var i = 0
            while i < children.count {
                if !childRefs[i]._withUnsafeGuaranteedRef({ $0.matches(json: root, event) }) { return false }
                i += 1
            }
            return true
        case .or:
            var i = 0
            while i < children.count {
                if childRefs[i]._withUnsafeGuaranteedRef({ $0.matches(json: root, event) }) { return true }
                i += 1
            }
            return false
        case .not: return !childRefs[0]._withUnsafeGuaranteedRef { $0.matches(json: root, event) }
        case .keywords: return keywords.unsafelyUnwrapped.matches(event)
        case .always: return true
        case .never: return false
        }
    }

    /// CloudTrail records read from their tape.
    func matches(tape record: TapeRecord, _ event: DetectionEvent) -> Bool {
        switch operation {
        case .field: return fieldRef.unsafelyUnwrapped._withUnsafeGuaranteedRef { $0.matches(tape: record, event) }
        case .and:
            var i = 0
            while i < children.count {
                if !childRefs[i]._withUnsafeGuaranteedRef({ $0.matches(tape: record, event) }) { return false }
                i += 1
            }
            return true
        case .or:
            var i = 0
            while i < children.count {
                if childRefs[i]._withUnsafeGuaranteedRef({ $0.matches(tape: record, event) }) { return true }
                i += 1
            }
            return false
        case .not: return !childRefs[0]._withUnsafeGuaranteedRef { $0.matches(tape: record, event) }
        case .keywords: return keywords.unsafelyUnwrapped.matches(event)
        case .always: return true
        case .never: return false
        }
    }

    /// The top-level keys the node and its children read (first path components).
    var recordKeys: Set<String> {
        var out = Set<String>()
        if let field { out.insert(field.path.components[0]) }
        for child in children { out.formUnion(child.recordKeys) }
        return out
    }

    /// Flow-log events.
    func matches(flow: FlowLogRecord, _ subject: FlowSubject) -> Bool {
        switch operation {
        case .field: return fieldRef.unsafelyUnwrapped._withUnsafeGuaranteedRef { $0.matches(flow: flow, subject) }
        case .and:
            var i = 0
            while i < children.count {
                if !childRefs[i]._withUnsafeGuaranteedRef({ $0.matches(flow: flow, subject) }) { return false }
                i += 1
            }
            return true
        case .or:
            var i = 0
            while i < children.count {
                if childRefs[i]._withUnsafeGuaranteedRef({ $0.matches(flow: flow, subject) }) { return true }
                i += 1
            }
            return false
        case .not: return !childRefs[0]._withUnsafeGuaranteedRef { $0.matches(flow: flow, subject) }
        case .keywords: return keywords.unsafelyUnwrapped.matches(subject.event)
        case .always: return true
        case .never: return false
        }
    }

    /// Any other event, through `DetectionEvent.values(at:)`.
    func matches(generic event: DetectionEvent) -> Bool {
        switch operation {
        case .field: return field.unsafelyUnwrapped.matches(generic: event)
        case .and: return children.allSatisfy { $0.matches(generic: event) }
        case .or: return children.contains { $0.matches(generic: event) }
        case .not: return !children[0].matches(generic: event)
        case .keywords: return keywords.unsafelyUnwrapped.matches(event)
        case .always: return true
        case .never: return false
        }
    }
}
