import Foundation
import Synchronization
@testable import FirebreakResponse

/// A fresh folder under the system temp folder, removed when released.
final class TemporaryFolder {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("firebreak-store-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

enum Fixture {
    /// Two workers claiming `limit` at a time from `stores` (one each) until a claim comes back empty: the ids
    /// they were handed, and the errors they met.
    static func claimConcurrently(_ stores: [any StateStore], limit: Int = 3, lease: TimeInterval = 300)
        -> (ids: [String], failures: [String]) {
        let claimed = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: stores.count) { worker in
            while true {
                do {
                    let batch = try stores[worker].claim(limit: limit, now: t0, lease: lease)
                    if batch.isEmpty { return }
                    claimed.withLock { $0 += batch.map(\.id) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                    return
                }
            }
        }
        return (claimed.withLock { $0 }, failures.withLock { $0 })
    }

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func delivery(_ id: String, at date: Date = t0) -> DeliveryRecord {
        DeliveryRecord(requestID: id, receivedAt: date, records: 3, events: 10, findings: 1)
    }

    static func finding(_ id: String, rule: String = "rule-1", level: String = "high", timeMillis: Int64 = 1_000,
                        instance: String = "i-0abc") -> StoredFinding {
        StoredFinding(id: id, ruleID: rule, title: "Title of \(rule)", level: level, timeMillis: timeMillis,
                      resourceType: "instance", resourceID: instance, json: #"{"id":"\#(id)"}"#)
    }

    static func action(_ kind: StepKind, finding: String, sequence: Int, instance: String = "i-0abc",
                       playbook: String = "contain", key: String? = nil) -> PlannedAction {
        let key = key ?? "\(playbook)/\(kind.rawValue)/\(instance)"
        return PlannedAction(id: "act-\(finding)-\(sequence)", findingID: finding, ruleID: "rule-1", playbook: playbook,
                             sequence: sequence, step: PlaybookStep(kind, options: ["reason": "test"]),
                             resourceType: "instance", resourceID: instance, idempotencyKey: key,
                             payload: #"{"finding":"\#(finding)"}"#)
    }

    /// snapshot (1) → terminate (2) → alert (3) for one finding.
    static func plan(finding: String, instance: String = "i-0abc") -> [PlannedAction] {
        [action(.snapshot, finding: finding, sequence: 1, instance: instance),
         action(.terminate, finding: finding, sequence: 2, instance: instance),
         action(.alert, finding: finding, sequence: 3, instance: instance)]
    }

    /// Commits one delivery with one finding and its plan; returns the summary.
    @discardableResult
    static func commitPlan(_ store: ResponseStore, request: String, finding: String, instance: String = "i-0abc",
                           at date: Date = t0) throws -> CommitSummary {
        let outcome = try store.commit(delivery: delivery(request, at: date), findings: [self.finding(finding, instance: instance)],
                                       actions: plan(finding: finding, instance: instance), now: date)
        guard case let .committed(summary) = outcome else { throw FixtureError.unexpectedDuplicate }
        return summary
    }

    enum FixtureError: Error { case unexpectedDuplicate }
}
