import FirebreakDetection
import FirebreakResponse
import Foundation
import Logging
import Synchronization

/// Between detection and the executor: plans each finding's response and commits the delivery, its
/// findings and their actions in one transaction before the delivery is acknowledged.
public final class ResponseCoordinator: Sendable {
    public let store: ResponseStore
    let planner: ResponsePlanner
    public let executor: ActionExecutor?
    /// Keeps the store within its retention and `store.max_bytes`; asked for a pass when a commit is refused for size.
    public let pruner: StorePruner?
    /// Request ids being evaluated and committed now: a concurrent redelivery of one of them waits for Firehose's
    /// next try instead of being evaluated twice (which would count its matches twice in correlation windows).
    private let inFlight = Mutex<Set<String>>([])

    public init(store: ResponseStore, planner: ResponsePlanner, executor: ActionExecutor?, pruner: StorePruner? = nil) {
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

    /// True when this request id was committed before (a Firehose redelivery).
    public func isKnown(_ requestID: String) throws(BatchRetryLater) -> Bool {
        do {
            return try store.hasDelivery(requestID)
        } catch {
            throw BatchRetryLater(reason: "the store cannot be read: \(error)")
        }
    }

    /// Commits the delivery with its findings and planned actions; false when its request id was committed before
    /// (checked in the same transaction: nothing is written). Throws when the store cannot commit.
    @discardableResult
    public func commit(_ batch: DecodedBatch, findings: [Finding]) throws(BatchRetryLater) -> Bool {
        var stored: [StoredFinding] = []
        var actions: [PlannedAction] = []
        for finding in findings {
            let resource = finding.resource
            stored.append(StoredFinding(id: finding.id, ruleID: finding.ruleID, title: finding.ruleTitle,
                                        level: finding.level.rawValue, timeMillis: finding.timeMillis,
                                        resourceType: resource.type ?? "", resourceID: resource.id ?? "",
                                        json: finding.jsonValue().serialized()))
            actions += planner.plan(finding)
        }
        let delivery = DeliveryRecord(requestID: batch.requestID, receivedAt: Date(), records: batch.recordCount,
                                      events: batch.events.count, findings: findings.count)
        let outcome: CommitOutcome
        do {
            outcome = try store.commit(delivery: delivery, findings: stored, actions: actions, now: Date())
        } catch {
            if case .full = error { pruner?.nudge() }
            throw BatchRetryLater(reason: "the store cannot commit: \(error)")
        }
        guard case .committed = outcome else { return false }
        if !actions.isEmpty { executor?.nudge() }
        return true
    }
}

/// The delivery cannot be made durable now (the store is locked, full, at `store.max_bytes` or unwritable): Firehose gets
/// 503 and retries, and nothing is acknowledged that is not committed.
public struct BatchRetryLater: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
