/// Where a rule set puts its findings: every match as its own finding (`list`), or merged into a delivery's
/// findings as they are found (`aggregator`, the delivery path).
struct FindingSink {
    var list: [Finding] = []
    var aggregator: FindingAggregator?

    /// Every match as a finding.
    static var list: FindingSink { FindingSink() }

    /// Matches merged by finding id, `maxSamples` kept per finding.
    static func merging(maxSamples: Int) -> FindingSink {
        FindingSink(aggregator: FindingAggregator(maxSamples: maxSamples))
    }

    /// Where the next finding goes (correlation findings are inserted where the match that completed them was).
    var position: Int { aggregator?.aggregates.count ?? list.count }

    /// A match of `rule` on `event`; `seed` is the rule's id as a `StableID` (for the finding's id).
    mutating func add(_ rule: CompiledRule, _ event: DetectionEvent, dedup: FindingDedup, seed: StableID) {
        guard aggregator != nil else {
            list.append(Finding(rule: rule, event: event, dedup: dedup))
            return
        }
        let key = dedup.findingKey(seed: seed, event: event)
        if count(key: key, timeMillis: event.timeMillis) { return }
        aggregator!.add(Finding(rule: rule, event: event, dedup: dedup, id: key.text), key: key)
    }

    /// A match counted on its finding when that is already open with its samples full (nothing is made for it);
    /// false when the match needs its finding made (`add`).
    @inline(__always)
    mutating func count(key: StableID, timeMillis: Int64) -> Bool {
        guard aggregator != nil, let position = aggregator!.position(of: key), !aggregator!.wantsSample(at: position) else {
            return false
        }
        aggregator!.addMatch(at: position, timeMillis: timeMillis)
        return true
    }

    /// A finding not made by a rule match: a correlation's, recorded at once (only when evaluating into a list; when
    /// merging, correlations are deferred to `DeliveryEvaluation.commit(_:)`, which merges their findings).
    mutating func add(_ finding: Finding) {
        precondition(aggregator == nil, "correlation findings are deferred when matches are merged")
        list.append(finding)
    }
}
