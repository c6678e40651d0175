import FirebreakLogs

/// A compiled, immutable set of rules: detection rules indexed by log source, and the correlation
/// engine fed by their matches. Built once per (re)load; evaluating never allocates rule state.
public struct RuleSet: Sendable {
    public let rules: [CompiledRule]
    public let correlations: [CorrelationRule]
    /// Rules and correlations that could not be loaded or compiled, with the reason.
    public let problems: [RuleError]
    public let files: [String]
    private(set) var correlationEngine: CorrelationEngine?
    /// Report matches of base rules that a `generate: false` correlation consumes (rule tests do).
    public var reportsConsumedMatches = false

    /// Rules by the log source they read (indices into `rules`, and the rules themselves for batch matching).
    private let flowRules: [Int]
    private let cloudTrailRules: [Int]
    private let otherRules: [Int]
    private let flowCompiled: [CompiledRule]
    private let cloudTrailCompiled: [CompiledRule]
    private let otherCompiled: [CompiledRule]
    /// Flow rules by the values of the enumerated fields they test (`action`, `flow-direction`, ...).
    private let flowDispatch: FlowDispatch?
    /// `flowDispatch`, unretained (read once per flow record: no reference count).
    private let flowDispatchRef: Unmanaged<FlowDispatch>?
    /// CloudTrail rules by the `eventName` values their prefilters accept.
    private let cloudTrailDispatch: PrefilterDispatch?
    /// The top-level keys the CloudTrail rules read: a record's members for all of them are found in one walk.
    private let recordKeys: RecordKeyTable
    /// Rules whose matches feed a correlation.
    private let correlated: [Bool]
    /// Rules whose own matches are not reported (`generate: false` correlations consume them).
    private let silent: [Bool]
    /// How each rule's repeated matches merge into one finding.
    private let dedups: [FindingDedup]
    /// Each rule's id fed to a `StableID` (the start of its findings' ids).
    private let seeds: [StableID]

    /// Compiles `loaded` with `placeholders`; problems are collected, never thrown.
    public init(loaded: LoadedRules, placeholders: any PlaceholderResolver, maxOpenGroups: Int = 100_000,
                dedup: FindingDedup = FindingDedup(), dedupOverrides: [FindingDedup.Override] = []) {
        let compiler = RuleCompiler(placeholders: placeholders)
        var problems = loaded.problems
        var compiled: [CompiledRule] = []
        for rule in loaded.rules {
            do {
                compiled.append(try compiler.compile(rule))
            } catch {
                problems.append(error)
            }
        }
        // Correlations must reference rules that exist (by id or name).
        var known = Set<String>()
        for rule in compiled {
            if let id = rule.rule.id { known.insert(id) }
            if let name = rule.rule.name { known.insert(name) }
        }
        var correlations: [CorrelationRule] = []
        for correlation in loaded.correlations {
            let missing = correlation.rules.filter { !known.contains($0) }
            if missing.isEmpty {
                correlations.append(correlation)
            } else {
                problems.append(RuleError(.invalidRule, source: correlation.source,
                                          "correlation '\(correlation.title)' references unknown rule(s): \(missing.joined(separator: ", "))"))
            }
        }
        var referenced = Set<String>()
        var consumed = Set<String>()
        for correlation in correlations {
            referenced.formUnion(correlation.rules)
            if !correlation.generate { consumed.formUnion(correlation.rules) }
        }
        func refers(_ rule: CompiledRule, _ set: Set<String>) -> Bool {
            (rule.rule.id.map(set.contains) ?? false) || (rule.rule.name.map(set.contains) ?? false)
        }
        self.rules = compiled
        self.correlations = correlations
        self.problems = problems
        self.files = loaded.files
        self.correlated = compiled.map { refers($0, referenced) }
        self.silent = compiled.map { refers($0, consumed) }
        self.dedups = compiled.map { FindingDedup(rule: $0.rule, overrides: dedupOverrides, defaults: dedup) }
        self.seeds = compiled.map { rule in
            var seed = StableID()
            seed.add(rule.program.ruleID)
            return seed
        }
        self.correlationEngine = correlations.isEmpty ? nil : CorrelationEngine(rules: correlations, maxOpenGroups: maxOpenGroups)
        var flow: [Int] = [], trail: [Int] = [], other: [Int] = []
        for (index, rule) in compiled.enumerated() {
            let source = rule.rule.logsource
            if source.covers(.vpcFlowLogs) { flow.append(index) }
            if source.covers(.cloudTrail) { trail.append(index) }
            // Other events; a rule for all of AWS (`product: aws`) also reads Route 53 and GuardDuty events.
            if (!source.covers(.vpcFlowLogs) && !source.covers(.cloudTrail)) || source.covers(.route53) || source.covers(.guardDuty) {
                other.append(index)
            }
        }
        flowRules = flow
        cloudTrailRules = trail
        otherRules = other
        flowCompiled = flow.map { compiled[$0] }
        cloudTrailCompiled = trail.map { compiled[$0] }
        otherCompiled = other.map { compiled[$0] }
        cloudTrailDispatch = PrefilterDispatch(rules: cloudTrailCompiled, key: "eventName")
        recordKeys = RecordKeyTable(keys: cloudTrailCompiled.reduce(into: Set(["eventName"])) { $0.formUnion($1.program.recordKeys) })
        flowDispatch = FlowDispatch(rules: flowCompiled)
        flowDispatchRef = flowDispatch.map { Unmanaged.passUnretained($0) }
    }

    /// The same compiled rules with empty correlation windows (no recompiling): what each rule test case starts from.
    public func withFreshCorrelationWindows() -> RuleSet {
        var copy = self
        copy.correlationEngine = correlationEngine.map { CorrelationEngine(rules: correlations, maxOpenGroups: $0.maxOpenGroups, allowedLatenessMillis: $0.allowedLatenessMillis) }
        return copy
    }

    /// How matches of the rule with this id merge into findings (nil for an unknown id).
    public func dedup(of ruleID: String) -> FindingDedup? {
        rules.firstIndex { $0.rule.id == ruleID }.map { dedups[$0] }
    }

    /// An empty set (no rules), e.g. before the first load.
    public static let empty = RuleSet(loaded: LoadedRules(), placeholders: StaticPlaceholders())

    /// Correlation windows evicted to stay within the memory bound, since this set was built.
    public var correlationEvictions: Int { correlationEngine?.evictions ?? 0 }
    public var openCorrelationGroups: Int { correlationEngine?.openGroups ?? 0 }

    /// Evaluates one event; appends the findings it produces.
    public func evaluate(_ event: DetectionEvent, into findings: inout [Finding]) {
        var recordNow: [PendingMatch]? = nil
        var sink = FindingSink.list
        swap(&sink.list, &findings)
        evaluate(event, into: &sink, deferring: &recordNow)
        swap(&sink.list, &findings)
    }

    /// Evaluates a delivery's events without touching the correlation windows: their matches are recorded by
    /// `DeliveryEvaluation.commit(_:)`, kept only when the delivery is.
    public func prepare(_ events: [DetectionEvent], maxSamples: Int = FindingAggregate.defaultMaxSamples) -> DeliveryEvaluation {
        var sink = FindingSink.merging(maxSamples: maxSamples)
        var pending: [PendingMatch]? = []
        let slots = recordKeys.makeSlots()
        defer { slots.deallocate() }
        let facts = ComputedFieldCache()
        for event in events { evaluate(event, into: &sink, deferring: &pending, slots: slots, facts: facts) }
        return DeliveryEvaluation(ruleSet: self, ruleAggregates: sink.aggregator?.aggregates ?? [], pending: pending ?? [],
                                  maxSamples: maxSamples)
    }

    /// Evaluates a delivery's decoded events as the service does (flow records read in place, matches merged into
    /// findings as they are found, `maxSamples` samples each), leaving the correlation windows to
    /// `DeliveryEvaluation.commit(_:)`.
    public func prepare(_ events: DecodedEvents, network: NetworkContext = NetworkContext(), receivedMillis: Int64,
                        maxSamples: Int = FindingAggregate.defaultMaxSamples) -> DeliveryEvaluation {
        var sink = FindingSink.merging(maxSamples: maxSamples)
        var pending: [PendingMatch]? = []
        evaluate(events, network: network, receivedMillis: receivedMillis, into: &sink, deferring: &pending)
        return DeliveryEvaluation(ruleSet: self, ruleAggregates: sink.aggregator?.aggregates ?? [], pending: pending ?? [],
                                  maxSamples: maxSamples)
    }

    /// A match that feeds a correlation, and where its correlation findings go among the rule findings (a position in
    /// the delivery's merged rule findings).
    struct PendingMatch: Sendable {
        var position: Int
        var match: CorrelationMatch
    }

    /// Evaluates one event; with `pending` nil, correlation matches are recorded at once, else appended to it. `slots`
    /// (from `recordKeys.makeSlots()`, reused from event to event) holds a CloudTrail record's resolved members.
    func evaluate(_ event: DetectionEvent, into findings: inout FindingSink, deferring pending: inout [PendingMatch]?,
                  slots: UnsafeMutablePointer<Int32>? = nil, facts: ComputedFieldCache? = nil) {
        // The event is unwrapped once for every rule of its log source, and each match is handled as
        // it is found. (No closures here: one capturing `self` copied the whole set per event.)
        switch event.storage.kind {
        case .vpcFlow:
            guard case .flow(let flow) = event.storage.decoded.event else {
                return evaluateGeneric(flowCompiled, flowRules, event, &findings, &pending)
            }
            var made: DetectionEvent? = event
            evaluate(flow: flow, FlowSubject(event), made: &made, into: &findings, deferring: &pending)
        case .cloudTrail:
            guard case .cloudTrail(let record) = event.storage.decoded.event else {
                return evaluateGeneric(cloudTrailCompiled, cloudTrailRules, event, &findings, &pending)
            }
            // The record's members the rules read are found once; each rule then reads them from `slots`.
            let made = slots == nil ? recordKeys.makeSlots() : nil
            defer { made?.deallocate() }
            let resolved = slots ?? made.unsafelyUnwrapped
            recordKeys.resolve(record.tape, record.index, into: resolved)
            // Computed fields (`firebreak.*`) are computed once for all the rules that read them.
            let cache = facts ?? ComputedFieldCache()
            cache.reset()
            defer { withExtendedLifetime(cache) {} }
            let tape = TapeRecord(record, slots: UnsafePointer(resolved), count: recordKeys.slotCount,
                                  facts: Unmanaged.passUnretained(cache))
            // Only the rules whose `eventName` prefilter admits the event (and those without one), when that decides.
            if let dispatch = cloudTrailDispatch, let positions = dispatch.candidates(tape: tape) {
                var k = 0
                while k < positions.count {
                    let i = positions[k]
                    if Unmanaged.passUnretained(cloudTrailCompiled[i].program)._withUnsafeGuaranteedRef({ $0.matches(tape: tape, event) }) {
                        handle(cloudTrailRules[i], event, &findings, &pending)
                    }
                    k += 1
                }
                return
            }
            var i = 0
            while i < cloudTrailCompiled.count {
                if Unmanaged.passUnretained(cloudTrailCompiled[i].program)._withUnsafeGuaranteedRef({ $0.matches(tape: tape, event) }) {
                    handle(cloudTrailRules[i], event, &findings, &pending)
                }
                i += 1
            }
        default:
            evaluateGeneric(otherCompiled, otherRules, event, &findings, &pending)
        }
    }

    /// Evaluates a delivery's decoded events in order (see `evaluate(_:into:deferring:)`). A flow record is read in
    /// place, and its `DetectionEvent` made only when a rule matches it (or reads it generically).
    func evaluate(_ events: DecodedEvents, network: NetworkContext, receivedMillis: Int64, into findings: inout FindingSink,
                  deferring pending: inout [PendingMatch]?) {
        let slots = recordKeys.makeSlots()
        defer { slots.deallocate() }
        let facts = ComputedFieldCache()
        for chunk in events.chunks {
            chunk.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                var i = 0
                while i < buffer.count {
                    let decoded = base + i
                    if case .flow(let flow) = decoded.pointee.event {
                        var made: DetectionEvent? = nil
                        evaluate(flow: flow, FlowSubject(decoded: decoded, flow: flow, network: network, receivedMillis: receivedMillis),
                                 made: &made, into: &findings, deferring: &pending)
                    } else {
                        evaluate(DetectionEvent(decoded.pointee, network: network, receivedMillis: receivedMillis),
                                 into: &findings, deferring: &pending, slots: slots, facts: facts)
                    }
                    i += 1
                }
            }
        }
    }

    /// The flow rules on one record; `made` is the subject's event once made (for every matching rule to share).
    @inline(__always)
    private func evaluate(flow: FlowLogRecord, _ subject: FlowSubject, made: inout DetectionEvent?,
                          into findings: inout FindingSink, deferring pending: inout [PendingMatch]?) {
        // Only the rules the event's `action`, `flow-direction`, ... leave open, with what is left of their detection.
        if let dispatch = flowDispatchRef {
            dispatch._withUnsafeGuaranteedRef { $0.open(flow, direction: subject.direction) }._withUnsafeGuaranteedRef { open in
                var k = 0
                while k < open.positions.count {
                    if open.refs[k]._withUnsafeGuaranteedRef({ $0.matches(flow: flow, subject) }) {
                        handle(flowRules[open.positions[k]], flow, subject, &made, &findings, &pending)
                    }
                    k += 1
                }
            }
            return
        }
        var i = 0
        while i < flowCompiled.count {
            if Unmanaged.passUnretained(flowCompiled[i].program)._withUnsafeGuaranteedRef({ $0.matches(flow: flow, subject) }) {
                handle(flowRules[i], flow, subject, &made, &findings, &pending)
            }
            i += 1
        }
    }

    /// `rules` (positions `indices` in `self.rules`) on an event of any shape. A typed AWS log (Route 53, GuardDuty,
    /// ALB, S3 server access, CloudFront) is read only by the rules whose `logsource` covers it; generic JSON and text
    /// not by rules for flow logs or CloudTrail.
    private func evaluateGeneric(_ rules: [CompiledRule], _ indices: [Int], _ event: DetectionEvent, _ findings: inout FindingSink,
                                 _ pending: inout [PendingMatch]?) {
        let typedSource: LogSource? = event.kind == .json || event.kind == .text ? nil : event.logSource
        for match in CompiledRule.matchingIndices(rules, event) {
            let source = rules[match].rule.logsource
            if let typedSource {
                if !source.covers(typedSource) { continue }
            } else if source.covers(.vpcFlowLogs) || source.covers(.cloudTrail) {
                continue   // a rule for all of AWS, here for the typed sources: not for generic JSON and text
            }
            handle(indices[match], event, &findings, &pending)
        }
    }

    /// The findings of rule `index` matching `event`: its own (unless silent) and any correlation it completes.
    /// With `pending` non-nil the correlation part is deferred to it.
    private func handle(_ index: Int, _ event: DetectionEvent, _ findings: inout FindingSink, _ pending: inout [PendingMatch]?) {
        if !silent[index] || reportsConsumedMatches { findings.add(rules[index], event, dedup: dedups[index], seed: seeds[index]) }
        correlate(index, event, &findings, &pending)
    }

    /// `handle` for a flow record read in place: a repeated match of a finding whose samples are full is counted
    /// without its event being made.
    @inline(__always)
    private func handle(_ index: Int, _ flow: FlowLogRecord, _ subject: FlowSubject, _ made: inout DetectionEvent?,
                        _ findings: inout FindingSink, _ pending: inout [PendingMatch]?) {
        if !silent[index] || reportsConsumedMatches {
            var counted = false
            if findings.aggregator != nil, let key = dedups[index].findingKey(seed: seeds[index], flow: flow, timeMillis: subject.timeMillis) {
                counted = findings.count(key: key, timeMillis: subject.timeMillis)
            }
            if !counted {
                if made == nil { made = subject.event }
                findings.add(rules[index], made.unsafelyUnwrapped, dedup: dedups[index], seed: seeds[index])
            }
        }
        guard correlated[index], correlationEngine != nil else { return }
        if made == nil { made = subject.event }
        correlate(index, made.unsafelyUnwrapped, &findings, &pending)
    }

    /// The correlation part of a match of rule `index`: deferred to `pending` when it is non-nil, else recorded now.
    private func correlate(_ index: Int, _ event: DetectionEvent, _ findings: inout FindingSink, _ pending: inout [PendingMatch]?) {
        guard correlated[index], let engine = correlationEngine else { return }
        let rule = rules[index].rule
        if pending != nil {
            if let match = engine.prepare(ruleID: rule.id ?? rule.title, ruleName: rule.name, event: event) {
                pending?.append(PendingMatch(position: findings.position, match: match))
            }
            return
        }
        for hit in engine.observe(ruleID: rule.id ?? rule.title, ruleName: rule.name, event: event) {
            findings.add(finding(hit, event))
        }
    }

    public func evaluate(_ events: [DetectionEvent]) -> [Finding] {
        var findings: [Finding] = []
        for event in events { evaluate(event, into: &findings) }
        return findings
    }

    /// The finding of a correlation hit completed by `last`.
    func finding(_ hit: CorrelationHit, _ last: DetectionEvent) -> Finding {
        let rule = hit.rule
        let ruleID = rule.id ?? rule.title
        let group = hit.groupKey.keys.sorted().map { "\($0)=\(hit.groupKey[$0]!)" }.joined(separator: ",")
        var resource = FindingResource(event: last)
        if resource.id == nil, let address = hit.groupKey["srcaddr"] {
            // A scan seen on an ENI without instance id: the finding is about its source address.
            resource.type = "address"
            resource.id = address
        }
        return Finding(ruleID: ruleID, ruleTitle: rule.title, level: rule.level ?? .medium, tags: rule.tags,
                       id: Finding.stableID(ruleID, group, String(hit.firstMillis)), resource: resource,
                       matchedFields: hit.groupKey.mapValues { [.string($0)] }, last: last,
                       correlation: Finding.Correlation(type: rule.kind.rawValue, groupKey: hit.groupKey, count: hit.count,
                                                        firstMillis: hit.firstMillis, lastMillis: hit.lastMillis,
                                                        eventKeys: hit.eventKeys))
    }
}
