import FirebreakDetection
import FirebreakLogs
import FirebreakResponse
import Foundation
import Logging
import Testing
@testable import FirebreakServer

/// Finding storms: a rule's repeated matches on one dedup key in one window are one finding with a count, first and
/// last seen and a few samples; only its first match plans a response. Through `DetectionProcessor` with a real store.
@Suite struct FindingAggregationTests {
    static let ruleID = "a0000000-0000-4000-8000-000000000001"
    static let portRuleID = "a0000000-0000-4000-8000-000000000002"
    static let rules = """
        title: Rejected
        id: \(ruleID)
        status: test
        level: high
        logsource: {product: aws, service: vpcflowlogs}
        detection:
          selection: {action: REJECT}
          condition: selection
        ---
        title: Telnet by port
        id: \(portRuleID)
        status: test
        level: low
        logsource: {product: aws, service: vpcflowlogs}
        detection:
          selection: {action: ACCEPT}
          condition: selection
        firebreak:
          dedup: {fields: [dstport], window: 10m}
        """
    static let playbooks = """
        playbooks:
          - name: report
            match: {rules: [\(ruleID)]}
            steps: [alert]
        """
    /// An hour boundary: windows of one hour start here.
    static let t0: Int64 = 1_699_999_200

    struct Harness {
        let folder: URL
        let store: ResponseStore
        let metrics = ServiceMetrics()
        let processor: DetectionProcessor

        init(samples: Int = 5, playbooks yaml: String = FindingAggregationTests.playbooks) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("fb-agg-\(UUID().uuidString)")
            store = try ResponseStore(path: folder.appendingPathComponent("store.db").path)
            let playbooks = try PlaybookSet.parse(yaml: yaml, source: "inline.yaml")
            let coordinator = ResponseCoordinator(store: store, planner: ResponsePlanner(playbooks: playbooks, mode: .observe),
                                                  executor: nil, maxSamples: samples)
            let set = RuleSet(loaded: RuleFileLoader.load(yaml: FindingAggregationTests.rules, source: "inline.yml"),
                              placeholders: StaticPlaceholders())
            processor = DetectionProcessor(engine: DetectionEngine(ruleSet: set, sources: DetectionSources(rulePaths: [])),
                                           metrics: metrics, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                           response: coordinator)
        }

        func counted(_ metric: String, rule: String = FindingAggregationTests.ruleID, level: String = "high") -> Int {
            Int(metrics.registry.value(metric, ["rule": rule, "level": level]))
        }

        func actions() throws -> Int {
            try store.findings(rule: FindingAggregationTests.ruleID).reduce(0) { total, finding in
                total + (try store.finding(id: finding.id)?.1.count ?? 0)
            }
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    /// Flows on one ENI ending `second`s after t0, to `port`, with `action`.
    static func batch(_ id: String, seconds: [Int64], port: Int = 4444, action: String = "REJECT",
                      eni: String = "eni-0a1b2c3d") throws -> DecodedBatch {
        let parser = FlowLogParser()
        let events = try seconds.enumerated().map { index, second in
            let end = t0 + second
            let line = "2 123456789012 \(eni) 10.0.1.5 198.51.100.\(index % 250 + 1) \(40_000 + index % 20_000) \(port) 6 1 40 \(end - 5) \(end) \(action) OK"
            return DecodedEvent(event: .flow(try parser.parse(line)), context: LogContext(recordIndex: index))
        }
        return DecodedBatch(requestID: id, timestampMillis: t0 * 1000, sourceArn: nil, commonAttributes: [:],
                            recordCount: events.count, bodyBytes: 0, decompressedBytes: 0, events: DecodedEvents(events), issues: [],
                            controlMessages: 0, receivedAt: .now)
    }

    @Test func aThousandMatchesOnOneInterfaceAreOneFindingWithOneAlert() throws {
        let harness = try Harness()
        defer { harness.remove() }
        // 1,000 REJECTs on one ENI within the hour: one finding, count 1,000, one alert planned.
        try harness.processor.process(try Self.batch("req-1", seconds: (0..<1000).map { Int64($0 * 3) }))
        var stored = try harness.store.findings(rule: Self.ruleID)
        try #require(stored.count == 1)
        #expect(stored[0].count == 1000)
        #expect(stored[0].firstSeenMillis == (Self.t0) * 1000)
        #expect(stored[0].lastSeenMillis == (Self.t0 + 2997) * 1000)
        #expect(stored[0].samples.count == 5)
        #expect(stored[0].samples[1].contains("198.51.100.2"), "samples are the first matches, in order")
        #expect(try harness.actions() == 1)
        #expect(harness.counted(ServiceMetrics.matches) == 1000)
        #expect(harness.counted(ServiceMetrics.findings) == 1)

        // More in the same window from the next delivery: counted, no new finding, no new action.
        try harness.processor.process(try Self.batch("req-2", seconds: [3000, 3100, 3599]))
        stored = try harness.store.findings(rule: Self.ruleID)
        try #require(stored.count == 1)
        #expect(stored[0].count == 1003)
        #expect(stored[0].lastSeenMillis == (Self.t0 + 3599) * 1000)
        #expect(stored[0].samples.count == 5)
        #expect(try harness.actions() == 1)
        #expect(harness.counted(ServiceMetrics.findings) == 1)
        #expect(harness.counted(ServiceMetrics.matches) == 1003)

        // Firehose redelivers req-2: nothing changes.
        try harness.processor.process(try Self.batch("req-2", seconds: [3000, 3100, 3599]))
        #expect(try harness.store.findings(rule: Self.ruleID).first?.count == 1003)

        // The next window: a new finding. Its alert is planned, and held back by the playbooks' own idempotency
        // window (one alert per rule and resource per hour of wall-clock time), which this test runs inside of.
        try harness.processor.process(try Self.batch("req-3", seconds: [3600, 3700]))
        stored = try harness.store.findings(rule: Self.ruleID)
        #expect(stored.map(\.count).sorted() == [2, 1003])
        #expect(harness.counted(ServiceMetrics.findings) == 2)
        #expect(try harness.actions() == 1)
    }

    /// Samples fill up across deliveries until `findings.samples`, then stay.
    @Test func samplesAreKeptAcrossDeliveriesUpToTheLimit() throws {
        let harness = try Harness(samples: 3)
        defer { harness.remove() }
        try harness.processor.process(try Self.batch("req-1", seconds: [10, 20]))
        try harness.processor.process(try Self.batch("req-2", seconds: [30, 40, 50]))
        let stored = try #require(try harness.store.findings(rule: Self.ruleID).first)
        #expect(stored.count == 5)
        #expect(stored.samples.count == 3)
        #expect(stored.samples.allSatisfy { $0.contains("\"action\":\"REJECT\"") })
        let ends = stored.samples.compactMap { sample in
            (try? JSONParser().parse(sample))?["end"]?.int64Value
        }
        #expect(ends == [Self.t0 + 10, Self.t0 + 20, Self.t0 + 30])
    }

    /// `firebreak.dedup.fields` splits a rule's findings by those fields' values; its window replaces the hour.
    @Test func dedupFieldsAndWindowOfARule() throws {
        let harness = try Harness()
        defer { harness.remove() }
        try harness.processor.process(try Self.batch("req-1", seconds: [1, 2, 3], port: 23, action: "ACCEPT"))
        try harness.processor.process(try Self.batch("req-2", seconds: [4, 5], port: 2323, action: "ACCEPT", eni: "eni-0ffff"))
        // Port 23 again, on another ENI: the key is the port, not the resource.
        try harness.processor.process(try Self.batch("req-3", seconds: [6], port: 23, action: "ACCEPT", eni: "eni-0ffff"))
        // Port 23 eleven minutes on: the next 10-minute window.
        try harness.processor.process(try Self.batch("req-4", seconds: [660], port: 23, action: "ACCEPT"))
        let counts = try harness.store.findings(rule: Self.portRuleID).map(\.count).sorted()
        #expect(counts == [1, 2, 4])
        #expect(harness.counted(ServiceMetrics.matches, rule: Self.portRuleID, level: "low") == 7)
        #expect(harness.counted(ServiceMetrics.findings, rule: Self.portRuleID, level: "low") == 3)
    }

    @Test func aBrokenDedupBlockIsARuleError() {
        for (block, message) in [("firebreak: {dedup: {window: forever}}", "is not a duration"),
                                 ("firebreak: {dedup: {fields: []}}", "non-empty list"),
                                 ("firebreak: {dedup: {by: [srcaddr]}}", "unknown key 'firebreak.dedup.by'"),
                                 ("firebreak: {group: x}", "unknown key 'firebreak.group'")] {
            let yaml = """
                title: T
                id: b0000000-0000-4000-8000-000000000001
                logsource: {product: aws, service: vpcflowlogs}
                detection: {selection: {action: REJECT}, condition: selection}
                \(block)
                """
            let loaded = RuleFileLoader.load(yaml: yaml, source: "bad.yml")
            #expect(loaded.rules.isEmpty, "\(block)")
            #expect(loaded.problems.contains { $0.description.contains(message) }, "\(block): \(loaded.problems)")
        }
    }

    /// `findings.dedup_rules`: by rule id, or by tag, for rules without their own block; the rule's block wins.
    @Test func dedupSettingsFromTheConfigurationByRuleAndTag() throws {
        let configuration = try ServiceConfiguration.load(environment: [
            "FIREBREAK_FINDINGS_DEDUP_WINDOW": "30m",
            "FIREBREAK_FINDINGS_DEDUP_RULES": #"[{rule: \#(Self.ruleID), fields: "dstport, srcaddr", window: 5m}, {tag: attack.t1046, window: 2h}, {rule: \#(Self.portRuleID), window: 1d}]"#,
        ])
        #expect(configuration.detection.dedup.windowMillis == 30 * 60_000)
        let set = RuleSet(loaded: RuleFileLoader.load(yaml: Self.rules + """

            ---
            title: Tagged
            id: a0000000-0000-4000-8000-000000000003
            tags: [attack.T1046]
            logsource: {product: aws, service: vpcflowlogs}
            detection: {selection: {action: REJECT}, condition: selection}
            """, source: "inline.yml"), placeholders: StaticPlaceholders(),
                          dedup: configuration.detection.dedup, dedupOverrides: configuration.detection.dedupOverrides)
        let dedups = set.rules.map { set.dedup(of: $0.rule.id ?? "") }
        #expect(dedups[0] == FindingDedup(fields: ["dstport", "srcaddr"], windowMillis: 5 * 60_000))
        // The rule's own block (fields dstport, 10m) wins over the configuration's entry for its id.
        #expect(dedups[1] == FindingDedup(fields: ["dstport"], windowMillis: 10 * 60_000))
        #expect(dedups[2] == FindingDedup(fields: [], windowMillis: 2 * 3_600_000))
        for bad in [#"[{fields: "srcaddr"}]"#, #"[{rule: x, tag: y, window: 1h}]"#, #"[{rule: x}]"#,
                    #"[{rule: x, window: forever}]"#, #"[{rule: x, by: srcaddr}]"#] {
            #expect(throws: ConfigurationError.self, "\(bad)") {
                try ServiceConfiguration.load(environment: ["FIREBREAK_FINDINGS_DEDUP_RULES": bad])
            }
        }
    }

    /// `alert: {summary: true}`: once a finding's window has closed (and the grace for late matches passed) with more
    /// than one match, one more alert is planned with the count; a finding with one match gets none.
    @Test func aSummaryAlertWhenTheWindowClosesWithMoreThanOneMatch() throws {
        let harness = try Harness(playbooks: """
            playbooks:
              - name: report
                match: {rules: [\(Self.ruleID)]}
                steps: [{alert: {summary: true}}]
            """)
        defer { harness.remove() }
        try harness.processor.process(try Self.batch("req-1", seconds: [10, 20]))
        try harness.processor.process(try Self.batch("req-2", seconds: [30], eni: "eni-0single"))
        try harness.processor.process(try Self.batch("req-3", seconds: [40]))
        // The alerts run (here: claimed and finished by hand, as the executor would).
        for record in try harness.store.claim(limit: 10, now: Date()) {
            try harness.store.finish(actionID: record.id, state: .done, now: Date())
        }
        let windowEnd = Date(timeIntervalSince1970: Double(Self.t0 + 3600))
        // Inside the window's grace: nothing yet.
        #expect(try SummaryAlerts.plan(in: harness.store, now: windowEnd.addingTimeInterval(SummaryAlerts.grace - 1)) == 0)
        #expect(try SummaryAlerts.plan(in: harness.store, now: windowEnd.addingTimeInterval(SummaryAlerts.grace + 1)) == 1)
        #expect(try SummaryAlerts.plan(in: harness.store, now: windowEnd.addingTimeInterval(SummaryAlerts.grace + 60)) == 0,
                "planned once")
        let counted = try #require(try harness.store.findings(rule: Self.ruleID).first { $0.count == 3 })
        let actions = try #require(try harness.store.finding(id: counted.id)).1
        #expect(actions.map(\.state) == [.done, .pending])
        let summary = try #require(actions.last)
        #expect(summary.id == actions[0].id + "-summary")
        let payload = try JSONDecoder().decode(AlertPayload.self, from: Data(summary.action.payload.utf8))
        #expect(payload.subject == "Firebreak summary: 3 matches of Rejected on eni-0a1b2c3d")
        #expect(payload.message?.contains("matched 3 times") == true)
        let single = try #require(try harness.store.findings(rule: Self.ruleID).first { $0.count == 1 })
        #expect(try harness.store.finding(id: single.id)?.1.count == 1)
        #expect(throws: PlaybookError.self) {
            try PlaybookSet.parse(yaml: "playbooks:\n  - {name: p, match: {rules: [r]}, steps: [{alert: {summary: maybe}}]}\n",
                                  source: "bad.yaml")
        }
    }
}
