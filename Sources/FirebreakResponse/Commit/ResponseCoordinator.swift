import FirebreakDetection
import FirebreakLogs
import Foundation
import Synchronization

/// Between detection and the executor: plans each finding's response and commits the delivery, its
/// findings and their actions in one transaction before the delivery is acknowledged.
public final class ResponseCoordinator: Sendable {
    public let store: any StateStore
    let planner: ResponsePlanner
    public let executor: ActionExecutor?
    /// Keeps the store within its retention and `store.max_bytes`; asked for a pass when a commit is refused for size.
    public let pruner: StorePruner?
    /// Request ids being evaluated and committed now: a concurrent redelivery of one of them waits for Firehose's
    /// next try instead of being evaluated twice (which would count its matches twice in correlation windows).
    private let inFlight = Mutex<Set<String>>([])
    /// Store operations of deliveries that failed since start (a request id not read, a commit refused).
    private let failedStoreOperations = Atomic<Int>(0)

    /// Sample events kept per finding (`findings.samples`).
    public let maxSamples: Int
    /// Correlation windows shared by every task on the store (the DynamoDB backend); nil: the detection engine's own.
    public let correlationState: (any SharedCorrelationState)?

    public init(store: any StateStore, planner: ResponsePlanner, executor: ActionExecutor?, pruner: StorePruner? = nil,
                maxSamples: Int = FindingAggregate.defaultMaxSamples, correlationState: (any SharedCorrelationState)? = nil) {
        self.correlationState = correlationState
        self.maxSamples = maxSamples
        self.store = store
        self.planner = planner
        self.executor = executor
        self.pruner = pruner
    }

    /// Marks `requestID` as being processed; throws when it already is (the caller answers 503, Firehose retries,
    /// and by then the first commit has landed). Pair with `finish(_:)`.
    public func begin(_ requestID: String) throws(BatchRetryLater) {
        let first = inFlight.withLock { $0.insert(requestID).inserted }
        if !first { throw BatchRetryLater(reason: "delivery \(requestID) is being processed by another request") }
    }

    public func finish(_ requestID: String) {
        _ = inFlight.withLock { $0.remove(requestID) }
    }

    /// Store operations that failed since start: the deliveries' (reads of request ids, commits, and those reported
    /// with `countStoreError()`), the executor's (claims, outbox updates) and the pruner's.
    public var storeErrors: Int {
        failedStoreOperations.load(ordering: .relaxed) + (executor?.storeErrors ?? 0) + (pruner?.storeErrors ?? 0)
    }

    /// Counts a store operation of a delivery that failed outside this coordinator (the shared correlation state).
    public func countStoreError() {
        failedStoreOperations.add(1, ordering: .relaxed)
    }

    /// True when this request id was committed before (a Firehose redelivery).
    public func isKnown(_ requestID: String) throws(BatchRetryLater) -> Bool {
        do {
            return try store.hasDelivery(requestID)
        } catch {
            countStoreError()
            throw BatchRetryLater(reason: "the store cannot be read: \(error)")
        }
    }

    /// Commits the delivery with its findings, merged by id (`FindingAggregate`: one row per finding with its count,
    /// first and last seen and samples), and the planned actions of each new finding (planned once, from its first
    /// match; a finding the store has from an earlier delivery is only counted, neither rendered nor planned again).
    /// Nil when its request id was committed before (checked in the same transaction: nothing is written). Throws
    /// when the store cannot commit. The findings returned have their JSON text rendered when they were new.
    public func commit(_ delivery: DeliveryRecord, findings: [Finding]) throws(BatchRetryLater)
        -> (summary: CommitSummary, findings: [FindingAggregate])? {
        try commit(delivery, aggregates: FindingAggregate.merge(findings, maxSamples: maxSamples))
    }

    /// `commit(_:findings:)` for findings already merged by id (`DeliveryEvaluation`).
    public func commit(_ delivery: DeliveryRecord, aggregates: [FindingAggregate]) throws(BatchRetryLater)
        -> (summary: CommitSummary, findings: [FindingAggregate])? {
        var pending = aggregates.map {
            AggregateCommit(aggregate: $0, planner: planner)
        }
        var delivery = delivery
        delivery.findings = pending.count
        let outcome: CommitOutcome
        do {
            outcome = try store.commit(delivery: delivery, findings: &pending, actions: [], now: Date(), maxSamples: maxSamples)
        } catch {
            countStoreError()
            if case .full = error { pruner?.nudge() }
            throw BatchRetryLater(reason: "the store cannot commit: \(error)")
        }
        guard case .committed(let summary) = outcome else { return nil }
        if !summary.insertedActions.isEmpty { executor?.nudge() }
        return (summary, pending.map(\.aggregate))
    }
}
