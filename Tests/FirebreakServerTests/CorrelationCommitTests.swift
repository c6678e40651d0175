import Dispatch
import FirebreakDetection
import FirebreakLogs
import FirebreakResponse
import Foundation
import Logging
import Synchronization
import Testing
@testable import FirebreakServer

/// Evaluate, commit, then remember: a delivery's correlation updates are kept only when its commit succeeds,
/// through the `DetectionProcessor` with a real store on disk.
@Suite struct CorrelationCommitTests {
    static let correlationID = "c0000000-0000-4000-8000-000000000001"
    /// Three REJECTs from one source within ten minutes.
    static let rules = """
        title: Rejected
        id: r0000000-0000-4000-8000-000000000001
        name: flow_rejected
        status: test
        level: low
        logsource: {product: aws, service: vpcflowlogs}
        detection:
          selection: {action: REJECT}
          condition: selection
        ---
        title: Rejected three times
        id: \(correlationID)
        status: test
        level: high
        correlation:
          type: event_count
          rules: [flow_rejected]
          group-by: [srcaddr]
          timespan: 10m
          condition: {gte: 3}
        """
    static let t0: Int64 = 1_700_000_000

    /// A processor over a store in a fresh folder; `engine` may be shared by several.
    struct Harness {
        let folder: URL
        let path: String
        let store: ResponseStore
        let metrics = ServiceMetrics()
        let processor: DetectionProcessor

        init(engine: DetectionEngine) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("fb-corr-\(UUID().uuidString)")
            path = folder.appendingPathComponent("store.db").path
            store = try ResponseStore(path: path)
            let coordinator = ResponseCoordinator(store: store, planner: ResponsePlanner(playbooks: PlaybookSet(playbooks: []), mode: .observe),
                                                  executor: nil)
            processor = DetectionProcessor(engine: engine, metrics: metrics,
                                           logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                           response: coordinator)
        }

        /// Correlation findings reported (each one logged and counted once committed).
        var fired: Int { Int(metrics.registry.value(ServiceMetrics.findings, ["rule": CorrelationCommitTests.correlationID, "level": "high"])) }

        /// The store file moved away: every commit fails as with a store that cannot be written.
        func breakStore() throws { try FileManager.default.moveItem(atPath: path, toPath: path + ".away") }
        func repairStore() throws { try FileManager.default.moveItem(atPath: path + ".away", toPath: path) }
        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func engine() -> DetectionEngine {
        let set = RuleSet(loaded: RuleFileLoader.load(yaml: rules, source: "inline.yml"), placeholders: StaticPlaceholders())
        return DetectionEngine(ruleSet: set, sources: DetectionSources(rulePaths: []))
    }

    /// A delivery of REJECTed flows, one per (source, second after t0).
    static func batch(_ id: String, _ flows: [(source: String, second: Int64)]) throws -> DecodedBatch {
        let parser = FlowLogParser()
        let events = try flows.map { flow in
            let end = t0 + flow.second
            let line = "2 123456789012 eni-0a1b2c3d \(flow.source) 10.0.1.5 49152 22 6 1 40 \(end - 10) \(end) REJECT OK"
            return DecodedEvent(event: .flow(try parser.parse(line)), context: LogContext(recordIndex: 0))
        }
        return DecodedBatch(requestID: id, timestampMillis: t0 * 1000, sourceArn: nil, commonAttributes: [:],
                            recordCount: events.count, bodyBytes: 0, decompressedBytes: 0, events: DecodedEvents(events), issues: [],
                            controlMessages: 0, receivedAt: .now)
    }

    /// The correlation count stored with each correlation finding.
    static func storedCounts(_ store: ResponseStore) throws -> [Int] {
        try store.findings(rule: correlationID).map { finding in
            let json = try JSONSerialization.jsonObject(with: Data(finding.json.utf8)) as? [String: Any]
            let correlation = json?["correlation"] as? [String: Any]
            return correlation?["count"] as? Int ?? -1
        }
    }

    @Test func aFailedCommitLeavesNoCountAndItsRedeliveryFiresOnce() throws {
        let harness = try Harness(engine: Self.engine())
        defer { harness.remove() }
        let a = "203.0.113.10", b = "203.0.113.20"
        // Two of three for A: committed, nothing fires.
        try harness.processor.process(try Self.batch("req-1", [(a, 1), (a, 2)]))
        #expect(harness.fired == 0)

        // The third for A (and a first for B) cannot be committed: 503, Firehose redelivers.
        let second = try Self.batch("req-2", [(a, 3), (b, 3)])
        try harness.breakStore()
        #expect(throws: BatchRetryLater.self) { try harness.processor.process(second) }
        #expect(harness.fired == 0, "nothing is reported that was not committed")
        try harness.repairStore()

        // The redelivery fires A exactly once, with the three matches there were.
        try harness.processor.process(second)
        #expect(harness.fired == 1)
        #expect(try Self.storedCounts(harness.store) == [3])

        // Counts were not doubled: one more for A is a fresh start, and B has one match, so a second for B
        // does not fire either (with B counted twice it would reach three here).
        try harness.processor.process(try Self.batch("req-3", [(a, 4), (b, 4)]))
        #expect(harness.fired == 1)
        // B's third fires: its one match from the redelivered batch was kept.
        try harness.processor.process(try Self.batch("req-4", [(b, 5)]))
        #expect(harness.fired == 2)
        // A committed request id is not evaluated again.
        try harness.processor.process(second)
        #expect(harness.fired == 2)
    }

    @Test func twoConcurrentDeliveriesThatTogetherReachTheThresholdFireOnce() throws {
        let harness = try Harness(engine: Self.engine())
        defer { harness.remove() }
        // Round after round, two deliveries with the matches of one new source race: 1 + 2 or 2 + 1 of 3.
        let rounds = 40
        for round in 0..<rounds {
            let source = "198.51.100.\(round)"
            let batches = [try Self.batch("r\(round)-a", [(source, 1)]), try Self.batch("r\(round)-b", [(source, 2), (source, 3)])]
            let errors = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                do { try harness.processor.process(batches[index]) } catch { errors.withLock { $0.append("\(error)") } }
            }
            #expect(errors.withLock { $0 }.isEmpty)
            #expect(harness.fired == round + 1, "round \(round)")
        }
        #expect(try Self.storedCounts(harness.store) == Array(repeating: 3, count: rounds))
    }

    @Test func aConcurrentFailedDeliveryDoesNotCountNorHideAnother() throws {
        // One engine, two stores (as two Firehose streams into one service): deliveries to the broken store fail
        // while deliveries to the good one commit at the same time. Only committed matches count.
        let engine = Self.engine()
        let good = try Harness(engine: engine)
        let broken = try Harness(engine: engine)
        defer { good.remove(); broken.remove() }
        try broken.breakStore()
        let rounds = 30
        for round in 0..<rounds {
            let source = "192.0.2.\(round)"
            let failing = try Self.batch("f\(round)", [(source, 1), (source, 2)])
            let kept = try Self.batch("k\(round)", [(source, 3), (source, 4)])
            let outcomes = Mutex<[Bool]>([false, false])
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let ok = (try? (index == 0 ? broken : good).processor.process(index == 0 ? failing : kept)) != nil
                outcomes.withLock { $0[index] = ok }
            }
            #expect(outcomes.withLock { $0 } == [false, true], "round \(round)")
            #expect(good.fired + broken.fired == round, "round \(round): two kept matches of three do not fire")
            // Redelivered where it can be committed, the failed delivery completes the group once.
            try good.processor.process(failing)
            #expect(good.fired == round + 1, "round \(round)")
        }
        #expect(broken.fired == 0)
    }
}
