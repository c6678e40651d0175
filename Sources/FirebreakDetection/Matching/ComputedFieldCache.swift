import FirebreakLogs

/// One CloudTrail record's computed fields (`firebreak.*`) while the rules read it: each field is computed once (from
/// a tree of just the members it reads), however many rules read it. Reused from record to record (`reset()`) by
/// one evaluation; not shared between threads.
final class ComputedFieldCache {
    private var roots: [JSONValue?]
    private var filled = false

    init() {
        roots = Array(repeating: nil, count: CloudTrailFacts.Field.allCases.count)
    }

    /// Forgets the record read before.
    @inline(__always)
    func reset() {
        guard filled else { return }
        for i in roots.indices { roots[i] = nil }
        filled = false
    }

    /// `ComputedFields.root(field, of:)` of `record`, computed on first use; `slot` is the field's position in
    /// `CloudTrailFacts.Field.allCases`.
    func root(_ field: CloudTrailFacts.Field, slot: Int, of record: TapeRecord) -> JSONValue {
        if let root = roots[slot] { return root }
        filled = true
        let root = ComputedFields.root(field, of: record.factsTree(for: field))
        roots[slot] = root
        return root
    }
}
