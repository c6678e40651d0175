import FirebreakDetection

/// A merged finding of a delivery on its way into the store: its row rendered, and its response planned, only when
/// the store does not have it yet.
struct AggregateCommit: CommitFinding {
    var aggregate: FindingAggregate
    let planner: ResponsePlanner

    var id: String { aggregate.finding.id }
    var count: Int { aggregate.count }
    var firstSeenMillis: Int64 { aggregate.firstMillis }
    var lastSeenMillis: Int64 { aggregate.lastMillis }

    mutating func row() -> StoredFinding {
        // Rendered once: the stored row and the caller's log line share it.
        let text = aggregate.text()
        var finding = aggregate.finding
        finding.resolveResource()
        aggregate.finding = finding
        let resource = finding.resource
        return StoredFinding(id: finding.id, ruleID: finding.ruleID, title: finding.ruleTitle,
                             level: finding.level.rawValue, timeMillis: finding.timeMillis,
                             resourceType: resource.type ?? "", resourceID: resource.id ?? "",
                             json: text.finding, count: aggregate.count,
                             firstSeenMillis: aggregate.firstMillis, lastSeenMillis: aggregate.lastMillis,
                             samples: aggregate.sampleTexts(limit: aggregate.samples.count), windowEndMillis: finding.windowEndMillis)
    }

    func samples(limit: Int) -> [String] {
        aggregate.sampleTexts(limit: limit)
    }

    mutating func plannedActions() -> [PlannedAction] {
        planner.plan(aggregate.finding)
    }
}
