import FirebreakDetection
import FirebreakResponse
import Foundation
import Logging
import Testing
@testable import FirebreakServer

/// Retention and `store.max_bytes` from the service's side: the settings, the metric, and a store at its limit
/// answered 503 with Retry-After (never 200 without a commit) until pruning makes room.
@Suite struct StoreLimitTests {
    static let day: TimeInterval = 86400

    @Test func retentionAndMaxBytesDefaultsAndOverrides() throws {
        let defaults = try ServiceConfiguration.load(environment: [:])
        #expect(defaults.storeRetention.findings == 30 * Self.day)
        #expect(defaults.storeRetention.deliveries == Self.day)
        #expect(defaults.storeMaxBytes == 0)
        #expect(defaults.summary.contains("store.retention: findings 30d, deliveries 1d"))
        let set = try ServiceConfiguration.load(environment: [
            "FIREBREAK_STORE_RETENTION_FINDINGS": "7d", "FIREBREAK_STORE_RETENTION_DELIVERIES": "36h",
            "FIREBREAK_STORE_MAX_BYTES": "1073741824",
        ])
        #expect(set.storeRetention.findings == 7 * Self.day)
        #expect(set.storeRetention.deliveries == 36 * 3600)
        #expect(set.storeMaxBytes == 1 << 30)
        #expect(try ServiceConfiguration.load(environment: ["FIREBREAK_STORE_RETENTION_FINDINGS": "86400"])
            .storeRetention.findings == Self.day)
    }

    @Test(arguments: [
        ("FIREBREAK_STORE_RETENTION_DELIVERIES", "1h", "store.retention.deliveries", "from 2h"),
        ("FIREBREAK_STORE_RETENTION_DELIVERIES", "forever", "store.retention.deliveries", "24h, 30d"),
        ("FIREBREAK_STORE_RETENTION_FINDINGS", "0", "store.retention.findings", "from 1h"),
        ("FIREBREAK_STORE_RETENTION_FINDINGS", "99999999999999999d", "store.retention.findings", "to 3650d"),
        ("FIREBREAK_STORE_MAX_BYTES", "4096", "store.max_bytes", "1048576"),
        ("FIREBREAK_STORE_MAX_BYTES", "-1", "store.max_bytes", "integer"),
    ])
    func invalidRetentionAndMaxBytesAreRefusedByName(variable: String, value: String, key: String, expected: String) {
        #expect(ConfigurationRefusal.refuses(variable, value, key: key, saying: expected))
    }

    @Test func prunedRowsAreCountedByTableAndReason() throws {
        let store = try ResponseStore(path: ":memory:")
        let old = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try store.commit(delivery: DeliveryRecord(requestID: "req-1", receivedAt: old, records: 1, events: 1, findings: 0),
                             findings: [], actions: [], now: old)
        let pruner = StorePruner(store: store)
        let metrics = ServiceMetrics()
        metrics.declareStoreGauges(store)
        metrics.declarePruner(pruner)
        #expect(metrics.registry.render().contains(#"firebreak_store_pruned_total{reason="age",table="deliveries"} 0"#))
        try pruner.pruneNow(now: old.addingTimeInterval(2 * Self.day))
        let text = metrics.registry.render()
        #expect(text.contains("# TYPE firebreak_store_pruned_total counter"))
        #expect(text.contains(#"firebreak_store_pruned_total{reason="age",table="deliveries"} 1"#))
        #expect(text.contains(#"firebreak_store_pruned_total{reason="size",table="findings"} 0"#))
        let bytes = try store.size().fileBytes
        #expect(bytes > 0)
        #expect(text.contains("firebreak_store_bytes \(bytes)"))
        #expect(text.contains("firebreak_store_max_bytes 0"))
    }

    /// A rule that the test deliveries (ACCEPTed flows) never match: every delivery commits its request id only.
    static func engine() -> DetectionEngine {
        let rule = """
            title: Rejected
            id: r0000000-0000-4000-8000-000000000002
            status: test
            level: low
            logsource: {product: aws, service: vpcflowlogs}
            detection:
              selection: {action: REJECT}
              condition: selection
            """
        let set = RuleSet(loaded: RuleFileLoader.load(yaml: rule, source: "inline.yml"), placeholders: StaticPlaceholders())
        return DetectionEngine(ruleSet: set, sources: DetectionSources(rulePaths: []))
    }

    @Test func aStoreAtMaxBytesIsAnswered503UntilPruningMakesRoom() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fb-limit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("store.db").path
        // Three hours ago: forty findings, each with an action the executor has not run yet.
        let then = Date().addingTimeInterval(-3 * 3600)
        do {
            let seed = try ResponseStore(path: path)
            for i in 0..<40 {
                let finding = StoredFinding(id: "f-\(i)", ruleID: "rule-1", title: "t", level: "high", timeMillis: 1,
                                            resourceType: "instance", resourceID: "i-\(i)",
                                            json: #"{"pad":"\#(String(repeating: "x", count: 4000))"}"#)
                let action = PlannedAction(id: "a-\(i)", findingID: "f-\(i)", ruleID: "rule-1", playbook: "p", sequence: 1,
                                           step: PlaybookStep(.alert, options: [:]), resourceType: "instance",
                                           resourceID: "i-\(i)", idempotencyKey: "p/alert/i-\(i)", payload: "{}")
                _ = try seed.commit(delivery: DeliveryRecord(requestID: "seed-\(i)", receivedAt: then, records: 1, events: 1, findings: 1),
                                    findings: [finding], actions: [action], now: then)
            }
            seed.close()
        }
        let used = try ResponseStore(path: path).size().usedBytes
        let store = try ResponseStore(path: path, maxBytes: used)
        let pruner = StorePruner(store: store)
        let coordinator = ResponseCoordinator(store: store, planner: ResponsePlanner(playbooks: PlaybookSet(playbooks: []), mode: .observe),
                                              executor: nil, pruner: pruner)
        let metrics = ServiceMetrics()
        metrics.declareStoreErrors(coordinator)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let endpoint = FirehoseEndpoint(accessKeys: AccessKeyVerifier(keys: ["k"]), decoder: DeliveryDecoder(),
                                        processor: DetectionProcessor(engine: Self.engine(), metrics: metrics, logger: logger,
                                                                      response: coordinator),
                                        pool: WorkerPool(workers: 1, queueLimit: 4), metrics: metrics, logger: logger,
                                        retryAfterSeconds: 9)
        let collector = FirehoseEndpointTests.Collector()

        // Nothing can be pruned (every finding has a pending action): 503 with Retry-After, nothing committed.
        try pruner.pruneNow(now: Date())
        endpoint.handle(FirehoseEndpointTests.request("d-1")) { collector.respond($0) }
        let refused = try #require(collector.next())
        #expect(refused.status == 503)
        #expect(refused.headers["Retry-After"] == "9")
        #expect(String(decoding: refused.body, as: UTF8.self).contains("store.max_bytes"))
        #expect(try store.hasDelivery("d-1") == false)
        #expect(store.health(now: Date().addingTimeInterval(2)) != .writable)
        // The refused commit is a store error, in /metrics and EMF.
        #expect(metrics.registry.render().contains("firebreak_store_errors_total 1\n"))

        // The executor finishes the actions; the pruner's next pass removes the oldest closed findings.
        for i in 0..<40 { try store.finish(actionID: "a-\(i)", state: .done, now: then) }
        let removed = try pruner.pruneNow(now: Date())
        #expect(removed[.size, default: PruneCount()].findings > 0)
        #expect(pruner.pruned(.size).actions == pruner.pruned(.size).findings)

        // Firehose's retry of the same delivery is committed and acknowledged.
        endpoint.handle(FirehoseEndpointTests.request("d-1")) { collector.respond($0) }
        #expect(collector.next()?.status == 200)
        #expect(try store.hasDelivery("d-1"))
        #expect(metrics.registry.value(ServiceMetrics.deliveries, ["status": "503"]) == 1)
        #expect(metrics.registry.value(ServiceMetrics.deliveries, ["status": "200"]) == 1)
        #expect(coordinator.storeErrors == 1, "the commit that went through is not an error")
        #expect(store.health(now: Date().addingTimeInterval(4)) == .writable)
    }
}
