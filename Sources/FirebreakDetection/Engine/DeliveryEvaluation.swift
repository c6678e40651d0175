/// A delivery evaluated by its rules (`RuleSet.prepare`), with the matches that feed correlation windows not yet
/// recorded: `commit(_:)` records them and commits the delivery as one step, and undoes them when it is not kept.
public struct DeliveryEvaluation: Sendable {
    let ruleSet: RuleSet
    /// The findings of the rules themselves, in evaluation order.
    let ruleFindings: [Finding]
    let pending: [RuleSet.PendingMatch]

    /// True when some match feeds a correlation: `commit(_:)` then holds the correlation transaction lock.
    public var feedsCorrelations: Bool { !pending.isEmpty && ruleSet.correlationEngine != nil }

    /// Records the correlation matches, then calls `store` with every finding (correlation findings where the
    /// match that completed them stands), under the correlation engine's transaction lock; when `store` throws or
    /// returns false (nothing stored), the correlation updates are undone. Returns the findings given to `store`.
    public func commit<E: Error>(_ store: ([Finding]) throws(E) -> Bool) throws(E) -> [Finding] {
        guard let engine = ruleSet.correlationEngine, !pending.isEmpty else {
            _ = try store(ruleFindings)
            return ruleFindings
        }
        var findings: [Finding] = []
        _ = try engine.transaction(pending.map(\.match)) { (hits: [[CorrelationHit]]) throws(E) -> Bool in
            findings = merged(hits)
            return try store(findings)
        }
        return findings
    }

    /// The rule findings with each pending match's correlation findings inserted at its position.
    private func merged(_ hits: [[CorrelationHit]]) -> [Finding] {
        var out: [Finding] = []
        out.reserveCapacity(ruleFindings.count + hits.count)
        var next = 0
        for (pendingMatch, matchHits) in zip(pending, hits) where !matchHits.isEmpty {
            out += ruleFindings[next..<pendingMatch.position]
            next = pendingMatch.position
            for hit in matchHits { out.append(ruleSet.finding(hit, pendingMatch.match.event)) }
        }
        out += ruleFindings[next...]
        return out
    }
}
