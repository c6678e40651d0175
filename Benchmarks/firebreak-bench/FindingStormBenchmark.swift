import FirebreakDetection
import FirebreakLogs
import FirebreakResponse
import Foundation

/// The cost of a match after aggregation, through what a worker does with a delivery once it is decoded: rule
/// evaluation, merging matches into findings, planning and the store commit (SQLite in a temporary folder).
///
/// - repeated: deliveries whose REJECTed flows all come from one ENI in one window, so every match after the
///   first adds to one stored finding (the issue's goal: ≤ 3 µs per repeated match);
/// - new: deliveries whose flows each come from an ENI of their own, so every match is a new finding with a
///   planned alert (goal: ≤ 50 µs per new finding, its commit included).
enum FindingStormBenchmark {
    struct Figures {
        var repeatedMicros: Double
        var newMicros: Double
        var storeBytesPerNewFinding: Double
    }

    static let rules = """
        title: Rejected
        id: 5b0e7c1a-0000-4000-8000-000000000001
        status: test
        level: high
        logsource: {product: aws, service: vpcflowlogs}
        detection:
          selection: {action: REJECT}
          condition: selection
        """
    static let playbooks = """
        playbooks:
          - name: report
            match: {rules: [5b0e7c1a-0000-4000-8000-000000000001]}
            steps: [alert]
        """

    static func run(rounds: Int, matchesPerDelivery: Int = 10_000) throws -> Figures {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fb-storm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try ResponseStore(path: folder.appendingPathComponent("store.db").path)
        defer { store.close() }
        let playbooks = try PlaybookSet.parse(yaml: playbooks, source: "storm.yaml")
        let coordinator = ResponseCoordinator(store: store, planner: ResponsePlanner(playbooks: playbooks, mode: .observe),
                                              executor: nil)
        let engine = DetectionEngine(ruleSet: RuleSet(loaded: RuleFileLoader.load(yaml: rules, source: "storm.yml"),
                                                      placeholders: StaticPlaceholders()),
                                     sources: DetectionSources(rulePaths: []))
        let parser = FlowLogParser()
        var delivery = 0
        /// One delivery's events: REJECTed flows at `t`, on one ENI or on one ENI each.
        func events(sameENI: Bool, t: Int64) throws -> [DecodedEvent] {
            try (0..<matchesPerDelivery).map { i in
                let eni = sameENI ? "eni-0000000000000001" : "eni-\(String(format: "%017x", delivery * matchesPerDelivery + i))"
                let line = "2 123456789012 \(eni) 10.0.1.5 198.51.100.\(i % 250 + 1) \(40_000 + i % 20_000) 4444 6 1 40 \(t - 5) \(t) REJECT OK"
                return DecodedEvent(event: .flow(try parser.parse(line)), context: LogContext(recordIndex: i))
            }
        }
        /// Seconds for one delivery: the rules, merging, planning and the commit.
        func timed(_ events: [DecodedEvent]) throws -> Double {
            delivery += 1
            let record = DeliveryRecord(requestID: "storm-\(delivery)", receivedAt: Date(), records: events.count,
                                        events: events.count, findings: 0)
            let start = DispatchTime.now().uptimeNanoseconds
            let evaluation = engine.prepare(events, receivedMillis: 0)
            _ = try evaluation.commit { (findings: [FindingAggregate]) throws(BatchRetryLater) -> Bool in
                try coordinator.commit(record, aggregates: findings) != nil
            }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        let t0: Int64 = 1_700_000_000
        _ = try timed(try events(sameENI: true, t: t0))          // warm: the finding exists from here on
        var repeated: [Double] = []
        for round in 0..<rounds { repeated.append(try timed(try events(sameENI: true, t: t0 + Int64(round)))) }
        let before = storeBytes(folder)
        var fresh: [Double] = []
        for round in 0..<rounds { fresh.append(try timed(try events(sameENI: false, t: t0 + Int64(round)))) }
        let grown = Double(storeBytes(folder) - before)
        return Figures(repeatedMicros: Stopwatch.median(repeated) / Double(matchesPerDelivery) * 1e6,
                       newMicros: Stopwatch.median(fresh) / Double(matchesPerDelivery) * 1e6,
                       storeBytesPerNewFinding: grown / Double(rounds * matchesPerDelivery))
    }

    static func storeBytes(_ folder: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
        }
    }
}
