import FirebreakDetection
import FirebreakLogs
import Foundation
import Logging

/// Runs every delivery through the rule engine: each finding becomes a JSON log line and is counted
/// in `/metrics` by rule and level. (Storing and acting on findings is the response layer's job.)
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
        metrics.registry.declareCounter(ServiceMetrics.findings, help: "Findings by rule and level.")
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
            report(engine.evaluate(batch.events, receivedMillis: received), of: batch)
            return
        }
        // One evaluation per request id at a time: a concurrent redelivery is answered 503 and comes back later.
        try response.begin(batch.requestID)
        defer { response.finish(batch.requestID) }
        // A redelivery of a committed batch is acknowledged without being evaluated again.
        if try response.isKnown(batch.requestID) {
            logger.info("redelivery of a committed delivery: not evaluated again", metadata: ["requestId": .string(batch.requestID)])
            return
        }
        // Rules match in parallel with other deliveries; the correlation windows are updated and the delivery
        // committed as one step, and the updates are undone when the commit fails (Firehose redelivers the batch).
        let evaluation = engine.prepare(batch.events, receivedMillis: received)
        var committed = false
        let findings = try evaluation.commit { (findings: [Finding]) throws(BatchRetryLater) -> Bool in
            committed = try response.commit(batch, findings: findings)
            return committed
        }
        guard committed else {
            logger.info("delivery committed meanwhile by another writer: not counted again",
                        metadata: ["requestId": .string(batch.requestID)])
            return
        }
        report(findings, of: batch)
    }

    /// Logs each finding and counts it by rule and level.
    private func report(_ findings: [Finding], of batch: DecodedBatch) {
        for finding in findings {
            metrics.registry.increment(ServiceMetrics.findings, ["rule": finding.ruleID, "level": finding.level.rawValue])
            logger.notice("finding", metadata: [
                "requestId": .string(batch.requestID),
                "finding": Self.metadata(finding.jsonValue()),
            ])
        }
    }

    static func metadata(_ value: JSONValue) -> Logger.Metadata.Value {
        switch value {
        case .null: return .string("null")
        case .bool(let b): return .stringConvertible(b)
        case .int(let i): return .stringConvertible(i)
        case .double(let d): return .stringConvertible(d)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(metadata))
        case .object(let object):
            var out: [String: Logger.Metadata.Value] = [:]
            for (key, item) in object { out[key] = metadata(item) }
            return .dictionary(out)
        }
    }
}
