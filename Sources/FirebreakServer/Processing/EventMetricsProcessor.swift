/// Counts the events of each delivery by kind into `firebreak_events_total` (the intake's processor;
/// the rule engine is chained after it).
public struct EventMetricsProcessor: BatchProcessor {
    let metrics: ServiceMetrics

    public init(metrics: ServiceMetrics) {
        self.metrics = metrics
    }

    public func process(_ batch: DecodedBatch) throws {
        for (kind, count) in batch.eventCounts {
            metrics.registry.increment(ServiceMetrics.events, ["type": kind], by: Double(count))
        }
        metrics.registry.increment(ServiceMetrics.controlMessages, by: Double(batch.controlMessages))
    }
}
