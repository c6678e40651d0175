import FirebreakLogs

/// Runs flow-log rules with their tests on the enumerated fields (`action`, `log-status`, `type`, `flow-direction`)
/// decided ahead, once for all rules.
///
/// Those fields have a handful of values each, so for every combination of their values (absent included) each
/// rule's detection is simplified once when the set is built: a test on them is replaced by its result, and
/// `and`/`or`/`not` folded. An event reads those fields once, picks its combination, and runs only the rules the
/// combination leaves open, without the tests already decided. Most flow rules start with `flow-direction` and
/// `action`, so most rules are settled by the combination alone. The detection's other tests run as before, and
/// tests have no side effects, so a rule matches exactly when its whole detection does (its prefilters are
/// necessary conditions of the detection, so they need not run).
final class FlowDispatch: Sendable {
    /// The enumerated fields some rule tests, and the reader of each.
    private let fields: [FlowFieldReader]
    /// Per field: its number of states (one per choice, plus absent).
    private let states: [Int]
    /// Per combination (mixed radix over `fields`, state 0 = absent, i + 1 = choice i): the rules it leaves open.
    private let table: [Open]
    /// `table`, unretained (reading an entry is no reference count).
    private let tableRefs: [Unmanaged<Open>]

    /// The rules a combination leaves open: positions ascending, with each one's simplified detection.
    final class Open: Sendable {
        let positions: [Int]
        let nodes: [MatchNode]
        let refs: [Unmanaged<MatchNode>]

        init(positions: [Int], nodes: [MatchNode], refs: [Unmanaged<MatchNode>]) {
            self.positions = positions
            self.nodes = nodes
            self.refs = refs
        }
    }

    /// At most this many combinations (all four fields give 3 × 4 × 4 × 3 = 144).
    private static let maxCombinations = 1024

    /// Nil when no rule tests an enumerated field (nothing to decide ahead).
    init?(rules: [CompiledRule]) {
        var fields: [FlowFieldReader] = []
        var names: [String] = []
        func collect(_ matcher: Matcher) {
            switch matcher {
            case .field(let field):
                if let choices = field.flowReader.choices, field.decision(choice: nil) != nil, !names.contains(field.path.raw) {
                    guard Self.combinations(of: fields) * (choices.count + 1) <= Self.maxCombinations else { return }
                    names.append(field.path.raw)
                    fields.append(field.flowReader)
                }
            case .not(let child): collect(child)
            case .and(let children), .or(let children): children.forEach(collect)
            case .constant, .keywords: break
            }
        }
        for rule in rules { collect(rule.program.matcher) }
        guard !fields.isEmpty else { return nil }
        self.fields = fields
        states = fields.map { ($0.choices?.count ?? 0) + 1 }
        var table: [Open] = []
        let count = Self.combinations(of: fields)
        for combination in 0..<count {
            // The choice of each field in this combination (nil: absent).
            var choices: [String: Int?] = [:]
            var rest = combination
            for i in fields.indices {
                let state = rest % states[i]
                rest /= states[i]
                choices.updateValue(state == 0 ? nil : state - 1, forKey: names[i])
            }
            var positions: [Int] = [], nodes: [MatchNode] = []
            for (position, rule) in rules.enumerated() {
                let simplified = rule.program.matcher.substituting { field in
                    guard let choice = choices[field.path.raw] else { return nil }
                    return field.decision(choice: choice)
                }
                if case .constant(false) = simplified { continue }
                positions.append(position)
                nodes.append(MatchNode(simplified))
            }
            table.append(Open(positions: positions, nodes: nodes, refs: nodes.map { Unmanaged.passUnretained($0) }))
        }
        self.table = table
        tableRefs = table.map { Unmanaged.passUnretained($0) }
    }

    private static func combinations(of fields: [FlowFieldReader]) -> Int {
        fields.reduce(1) { $0 * (($1.choices?.count ?? 0) + 1) }
    }

    /// The rules `flow` (whose direction is `direction`) can match, with what is left of their detection to run.
    @inline(__always)
    func open(_ flow: FlowLogRecord, direction: FlowDirection?) -> Unmanaged<Open> {
        var combination = 0
        var scale = 1
        var i = 0
        while i < fields.count {
            var state = 0
            if case .choice(let choice)? = fields[i].read(flow, direction: direction) { state = choice + 1 }
            combination += state * scale
            scale *= states[i]
            i += 1
        }
        return tableRefs[combination]
    }
}
