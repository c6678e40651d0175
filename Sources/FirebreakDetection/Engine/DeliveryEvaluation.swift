/// A delivery evaluated by its rules (`RuleSet.prepare`), with the matches that feed correlation windows not yet
/// recorded: `commit(_:)` records them and commits the delivery as one step, and undoes them when it is not kept.
public struct DeliveryEvaluation: Sendable {
    let ruleSet: RuleSet
    /// The findings of the rules themselves, merged by id as they were found (in order of first match).
    let ruleAggregates: [FindingAggregate]
    let pending: [RuleSet.PendingMatch]
    /// Sample events kept per finding.
    let maxSamples: Int

    /// True when some match feeds a correlation: `commit(_:)` then holds the correlation transaction lock.
    public var feedsCorrelations: Bool { !pending.isEmpty && ruleSet.correlationEngine != nil }

    /// Matches of the rules (each finding's count), for a report before the commit.
    public var matches: Int { ruleAggregates.reduce(0) { $0 + $1.count } }
    /// Findings of the rules (matches merged by id), before correlations.
    public var findings: Int { ruleAggregates.count }

    /// Records the correlation matches, then calls `store` with every finding, merged by id (correlation findings
    /// where the match that completed them stands), under the correlation engine's transaction lock; when `store`
    /// throws or returns false (nothing stored), the correlation updates are undone. Returns the findings given
    /// to `store`.
    public func commit<E: Error>(_ store: ([FindingAggregate]) throws(E) -> Bool) throws(E) -> [FindingAggregate] {
        guard let engine = ruleSet.correlationEngine, !pending.isEmpty else {
            _ = try store(ruleAggregates)
            return ruleAggregates
        }
        var findings: [FindingAggregate] = []
        _ = try engine.transaction(pending.map(\.match)) { (hits: [[CorrelationHit]]) throws(E) -> Bool in
            findings = merged(hits)
            return try store(findings)
        }
        return findings
    }

    /// `commit(_:)` with the correlation windows in a shared state (several tasks on one DynamoDB table): the
    /// delivery's matches are tallied per (rule, group, bucket) and added there first, the hits it fires become
    /// findings, then `store` is called. A delivery that is not stored leaves its tallies in the shared state; its
    /// redelivery (same `requestID`) adds nothing twice and fires the same hits again.
    public func commit<E: Error>(sharing state: any SharedCorrelationState, requestID: String,
                                 _ store: ([FindingAggregate]) throws(E) -> Bool) throws -> [FindingAggregate] {
        guard let engine = ruleSet.correlationEngine, !pending.isEmpty else {
            _ = try store(ruleAggregates)
            return ruleAggregates
        }
        let tallies = engine.tallies(pending.map { ($0.position, $0.match) })
        let hits = try state.record(tallies, requestID: requestID)
        var fired: [(position: Int, finding: FindingAggregate)] = []
        for (tally, hit) in zip(tallies, hits) {
            guard let hit else { continue }
            fired.append((tally.position, FindingAggregate(ruleSet.finding(hit, tally.lastEvent))))
        }
        guard !fired.isEmpty else {
            _ = try store(ruleAggregates)
            return ruleAggregates
        }
        fired.sort { $0.position < $1.position }
        var out: [FindingAggregate] = []
        var next = 0
        for (position, finding) in fired {
            out += ruleAggregates[next..<position]
            next = position
            out.append(finding)
        }
        out += ruleAggregates[next...]
        let findings = FindingAggregate.merge(aggregates: out, maxSamples: maxSamples)
        _ = try store(findings)
        return findings
    }

    /// The rule findings with each pending match's correlation findings inserted at its position, merged by id.
    private func merged(_ hits: [[CorrelationHit]]) -> [FindingAggregate] {
        var out: [FindingAggregate] = []
        out.reserveCapacity(ruleAggregates.count + hits.count)
        var next = 0
        var inserted = false
        for (pendingMatch, matchHits) in zip(pending, hits) where !matchHits.isEmpty {
            out += ruleAggregates[next..<pendingMatch.position]
            next = pendingMatch.position
            for hit in matchHits { out.append(FindingAggregate(ruleSet.finding(hit, pendingMatch.match.event))) }
            inserted = true
        }
        out += ruleAggregates[next...]
        // A correlation's group and window may complete more than once in a delivery: one finding.
        return inserted ? FindingAggregate.merge(aggregates: out, maxSamples: maxSamples) : out
    }
}
