/// A compiled detection: the condition with each selection replaced by its field matchers.
/// The compiler optimizes this tree; `MatchNode` is the form that runs.
indirect enum Matcher: Sendable {
    case constant(Bool)
    case field(FieldMatcher)
    case keywords(KeywordMatcher)
    case not(Matcher)
    case and([Matcher])
    case or([Matcher])

    /// A rough cost, to evaluate cheap branches first.
    var cost: Int {
        switch self {
        case .constant: return 0
        case .field(let field): return field.cost
        case .keywords: return 200
        case .not(let child): return child.cost
        case .and(let children), .or(let children): return children.reduce(0) { $0 + $1.cost }
        }
    }

    /// The same detection with `and`/`or` flattened and their operands ordered cheapest first
    /// (both short-circuit, so the result is unchanged).
    func optimized() -> Matcher {
        switch self {
        case .and(let children):
            let flat = children.map { $0.optimized() }.flatMap { c -> [Matcher] in
                if case .and(let inner) = c { return inner }
                return [c]
            }
            return flat.count == 1 ? flat[0] : .and(Self.byCost(flat))
        case .or(let children):
            let flat = children.map { $0.optimized() }.flatMap { c -> [Matcher] in
                if case .or(let inner) = c { return inner }
                return [c]
            }
            return flat.count == 1 ? flat[0] : .or(Self.byCost(flat))
        case .not(let child):
            if case .not(let inner) = child { return inner.optimized() }
            return .not(child.optimized())
        default:
            return self
        }
    }

    /// The detection with the fields `decide` settles replaced by their result, and constants folded (tests have no
    /// side effects, so on an event where those fields give those results it decides as the whole detection does).
    func substituting(_ decide: (FieldMatcher) -> Bool?) -> Matcher {
        switch self {
        case .constant, .keywords:
            return self
        case .field(let field):
            return decide(field).map(Matcher.constant) ?? self
        case .not(let child):
            let inner = child.substituting(decide)
            if case .constant(let value) = inner { return .constant(!value) }
            return .not(inner)
        case .and(let children):
            var kept: [Matcher] = []
            for child in children {
                let s = child.substituting(decide)
                if case .constant(let value) = s {
                    if !value { return .constant(false) }
                    continue
                }
                kept.append(s)
            }
            return kept.isEmpty ? .constant(true) : kept.count == 1 ? kept[0] : .and(kept)
        case .or(let children):
            var kept: [Matcher] = []
            for child in children {
                let s = child.substituting(decide)
                if case .constant(let value) = s {
                    if value { return .constant(true) }
                    continue
                }
                kept.append(s)
            }
            return kept.isEmpty ? .constant(false) : kept.count == 1 ? kept[0] : .or(kept)
        }
    }

    private static func byCost(_ matchers: [Matcher]) -> [Matcher] {
        matchers.enumerated().sorted { a, b in
            let (ca, cb) = (a.element.cost, b.element.cost)
            return ca != cb ? ca < cb : a.offset < b.offset
        }.map(\.element)
    }

    /// Top-level field equalities every matching event must satisfy (one per field), each as a
    /// field matcher: the items a `map` requires, and for an `or` the union of what all branches
    /// require of the same field. Used as a cheap prefilter before the whole detection.
    func requiredEqualities() -> [FieldMatcher] {
        switch self {
        case .field(let field):
            return field.isTopLevelEquality ? [field] : []
        case .and(let children):
            var seen = Set<String>()
            return children.flatMap { $0.requiredEqualities() }.filter { seen.insert($0.path.raw).inserted }
        case .or(let children):
            guard let first = children.first else { return [] }
            let perChild = children.map { $0.requiredEqualities() }
            var out: [FieldMatcher] = []
            for candidate in first.requiredEqualities() {
                var predicates: [ValuePredicate] = []
                var everywhere = true
                for required in perChild {
                    guard let same = required.first(where: { $0.path == candidate.path }),
                          case .values(let t, _, _) = same.mode else { everywhere = false; break }
                    predicates += t
                }
                if everywhere {
                    out.append(FieldMatcher(path: candidate.path, mode: .values(predicates, all: false, orNull: false)))
                }
            }
            return out
        default:
            return []
        }
    }
}

extension FieldMatcher {
    /// A top-level field compared for equality with plain, case-insensitive strings (the shape of
    /// `eventSource`/`eventName` items).
    var isTopLevelEquality: Bool {
        guard path.components.count == 1, case .values(let predicates, let all, let orNull) = mode, !all, !orNull else { return false }
        return predicates.allSatisfy { predicate in
            if case .string(let p) = predicate { return p.kind == .equals && !p.cased }
            return false
        }
    }
}
