import FirebreakDetection
import FirebreakResponse
import FirebreakLogs
import Foundation
import Logging

/// Runs every delivery through the rule engine. A rule's matches on one dedup key in one window are one finding
/// (`FindingDedup`, `FindingAggregate`): `/metrics` counts matches (`firebreak_matches_total`) and findings
/// (`firebreak_findings_total`: new ones; with a store, those not seen in an earlier delivery) by rule and level,
/// and each finding of a delivery is one JSON log line with its count. (Storing and acting on findings is the
/// response layer's job.)
///
/// With a response layer, a delivery's correlation updates and its commit are one step
/// (`DeliveryEvaluation.commit(_:)`): a delivery that is not committed leaves the correlation windows as they
/// were, and its findings are reported only once committed.
public struct DetectionProcessor: BatchProcessor {
    let engine: DetectionEngine
    let metrics: ServiceMetrics
    let logger: Logger
    let response: ResponseCoordinator?

    public init(engine: DetectionEngine, metrics: ServiceMetrics, logger: Logger, response: ResponseCoordinator? = nil) {
        self.engine = engine
        self.metrics = metrics
        self.logger = logger
        self.response = response
        metrics.registry.declareCounter(ServiceMetrics.findings, help: "New findings (first match of a rule on a dedup key in a window) by rule and level.")
        metrics.registry.declareCounter(ServiceMetrics.matches, help: "Rule matches by rule and level (a finding counts many).")
        metrics.registry.declareGauge(ServiceMetrics.rulesLoaded, help: "Detection and correlation rules in force.") {
            let set = engine.ruleSet
            return Double(set.rules.count + set.correlations.count)
        }
        metrics.registry.declareGauge(ServiceMetrics.correlationGroups, help: "Open correlation groups (windows).") {
            Double(engine.ruleSet.openCorrelationGroups)
        }
        metrics.registry.declareGauge(ServiceMetrics.correlationEvictions,
                                      help: "Correlation groups evicted to stay within correlation.max_open_groups, since the last reload.") {
            Double(engine.ruleSet.correlationEvictions)
        }
    }

    public func process(_ batch: DecodedBatch) throws {
        let received = Int64(Date().timeIntervalSince1970 * 1000)
        guard let response else {
            report(FindingAggregate.merge(engine.evaluate(batch.events, receivedMillis: received)), new: nil, of: batch)
            return
        }
        guard let committed = try evaluateAndCommit(batch, receivedMillis: received, response: response) else {
            logger.info("delivery committed meanwhile by another writer: not counted again",
                        metadata: ["requestId": .string(batch.requestID)])
            return
        }
        report(committed.findings, new: Set(committed.summary.insertedFindingIDs), of: batch)
    }

    /// Evaluates `batch` and commits it through `response` as one step with its correlation updates (see the type's
    /// notes); nil when its request id was committed meanwhile (nothing written, no correlation update kept). The
    /// service's path for a delivery, before `report`; `firebreak replay --respond` commits what it reads through it.
    func evaluateAndCommit(_ batch: DecodedBatch, receivedMillis received: Int64, response: ResponseCoordinator) throws
        -> (summary: CommitSummary, findings: [FindingAggregate])? {
        // One evaluation per request id at a time: a concurrent redelivery is answered 503 and comes back later.
        try response.begin(batch.requestID)
        defer { response.finish(batch.requestID) }
        // A redelivery of a committed batch was answered before it was decoded (`isCommitted`); one committed meanwhile
        // is found by the commit itself (same transaction), which then writes nothing and keeps no correlation update.
        // Rules match in parallel with other deliveries; the correlation windows are updated and the delivery
        // committed as one step, and the updates are undone when the commit fails (Firehose redelivers the batch).
        let evaluation = engine.prepare(batch.events, receivedMillis: received, maxSamples: response.maxSamples)
        var committed: (summary: CommitSummary, findings: [FindingAggregate])?
        let store = { (findings: [FindingAggregate]) throws(BatchRetryLater) -> Bool in
            committed = try response.commit(DeliveryRecord(requestID: batch.requestID, receivedAt: Date(),
                                                           records: batch.recordCount, events: batch.events.count,
                                                           findings: findings.count), aggregates: findings)
            return committed != nil
        }
        if let shared = response.correlationState {
            // Several tasks on one table: the windows are the table's.
            do {
                _ = try evaluation.commit(sharing: shared, requestID: batch.requestID, store)
            } catch let retry as BatchRetryLater {
                throw retry
            } catch {
                response.countStoreError()
                throw BatchRetryLater(reason: "the shared correlation state cannot be updated: \(error)")
            }
        } else {
            _ = try evaluation.commit(store)
        }
        return committed
    }

    /// A request id the store holds as committed; a store that cannot be read says no (the delivery is then decoded
    /// and its processing answers 503).
    public func isCommitted(_ requestID: String) -> Bool {
        guard let response, !requestID.isEmpty else { return false }
        return (try? response.isKnown(requestID)) ?? false
    }

    /// Counts matches and new findings by rule and level, and logs each finding of the delivery once, with how many
    /// matches it had here: a new one with its JSON, one seen before by its id, rule and resource (`new` nil: every
    /// finding is new).
    private func report(_ aggregates: [FindingAggregate], new: Set<String>?, of batch: DecodedBatch) {
        for var aggregate in aggregates {
            let finding = aggregate.finding
            let isNew = new?.contains(finding.id) ?? true
            metrics.registry.increment(ServiceMetrics.matches, ["rule": finding.ruleID, "level": finding.level.rawValue],
                                       by: Double(aggregate.count))
            if isNew {
                metrics.registry.increment(ServiceMetrics.findings, ["rule": finding.ruleID, "level": finding.level.rawValue])
            }
            guard isNew else {
                // Its JSON was logged when it was new; this line counts the delivery's matches of it.
                let resource = finding.resource
                logger.notice("finding seen again", metadata: [
                    "requestId": .string(batch.requestID),
                    "matches": .stringConvertible(aggregate.count),
                    "findingId": .string(finding.id),
                    "ruleId": .string(finding.ruleID),
                    "level": .string(finding.level.rawValue),
                    "resourceType": .string(resource.type ?? ""),
                    "resourceId": .string(resource.id ?? ""),
                ])
                continue
            }
            logger.notice("finding", metadata: [
                "requestId": .string(batch.requestID),
                "matches": .stringConvertible(aggregate.count),
                "finding": .stringConvertible(RawJSON(aggregate.text().finding)),
            ])
        }
    }
}
