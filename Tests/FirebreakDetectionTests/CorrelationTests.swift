import Dispatch
import Synchronization
import FirebreakLogs
import Testing
import Yams
@testable import FirebreakDetection

/// Events and rules for the correlation tests.
enum CorrelationFixtures {
    static let parser = FlowLogParser()

    /// A version-2 flow line ending at `end` (seconds) from `src` to `dst:port`.
    static func flow(src: String, dst: String = "10.0.1.5", port: Int, end: Int64, action: String = "REJECT")
        throws -> DetectionEvent {
        let line = "2 123456789012 eni-0a1b2c3d \(src) \(dst) 49152 \(port) 6 1 40 \(end - 10) \(end) \(action) OK"
        return DetectionEvent(DecodedEvent(event: .flow(try parser.parse(line)), context: LogContext(recordIndex: 0)))
    }

    static func cloudTrail(_ eventName: String, arn: String, time: String, id: String) throws -> DetectionEvent {
        let json = """
        {"eventVersion":"1.08","eventTime":"\(time)","eventSource":"signin.amazonaws.com","eventName":"\(eventName)",
         "eventID":"\(id)","sourceIPAddress":"198.51.100.7","userIdentity":{"type":"IAMUser","arn":"\(arn)"}}
        """
        let record = CloudTrailRecord(record: try JSONParser().parse(json), envelope: .bare)
        return DetectionEvent(DecodedEvent(event: .cloudTrail(record), context: LogContext(recordIndex: 0)))
    }

    static func rule(_ yaml: String, source: String = "rules/test.yml") throws -> CorrelationRule {
        guard let node = try Yams.compose(yaml: yaml) else { throw RuleError(.invalidYAML, source: source, "empty") }
        return try CorrelationRule.parse(node, source: source)
    }

    static func parseError(_ yaml: String) -> RuleError? {
        do {
            _ = try rule(yaml, source: "rules/bad.yml")
            return nil
        } catch let error as RuleError {
            return error
        } catch {
            return nil
        }
    }

    static let portScan = """
    title: Port scan from one source
    id: 5b0b6c1e-3f1a-4a57-9d51-0c7e2b1b9c11
    name: port_scan
    status: experimental
    description: Many destination ports refused from one address.
    level: high
    correlation:
      type: value_count
      rules:
        - flow_rejected_inbound
      group-by:
        - srcaddr
      timespan: 1m
      condition:
        gte: 5
        field: dstport
      generate: false
    tags: [attack.discovery, attack.t1046]
    """

    static func eventCount(_ threshold: Int, op: String = "gte", timespan: String = "1m",
                           groupBy: String = "[srcaddr]") -> String {
        """
        title: Rejected burst
        id: burst
        correlation:
          type: event_count
          rules: [flow_rejected]
          group-by: \(groupBy)
          timespan: \(timespan)
          condition:
            \(op): \(threshold)
        """
    }
}

@Suite struct CorrelationRuleParseTests {
    typealias F = CorrelationFixtures

    @Test func valueCountDocument() throws {
        let rule = try F.rule(F.portScan)
        #expect(rule.title == "Port scan from one source")
        #expect(rule.id == "5b0b6c1e-3f1a-4a57-9d51-0c7e2b1b9c11")
        #expect(rule.name == "port_scan")
        #expect(rule.status == "experimental")
        #expect(rule.level == .high)
        #expect(rule.kind == .valueCount)
        #expect(rule.rules == ["flow_rejected_inbound"])
        #expect(rule.groupBy == ["srcaddr"])
        #expect(rule.timespanMillis == 60_000)
        #expect(rule.condition == CorrelationRule.Condition(.gte, 5))
        #expect(rule.valueField == "dstport")
        #expect(rule.generate == false)
        #expect(rule.tags == ["attack.discovery", "attack.t1046"])
        #expect(rule.identifier == "5b0b6c1e-3f1a-4a57-9d51-0c7e2b1b9c11")
    }

    @Test func temporalWithoutConditionNeedsAllRules() throws {
        let rule = try F.rule("""
        title: Recon then exfil
        correlation:
          type: temporal
          rules: [a, b, c]
          group-by: [userIdentity.arn]
          timespan: 1h
          aliases:
            principal:
              a: userIdentity.arn
        """)
        #expect(rule.kind == .temporal)
        #expect(rule.condition == CorrelationRule.Condition(.gte, 3))
        #expect(rule.level == nil)
        #expect(rule.groupBy.first?.components == ["userIdentity", "arn"])
        #expect(rule.aliases["principal"]?["a"] == "userIdentity.arn")
    }

    @Test func timespans() {
        #expect(CorrelationRule.parseTimespan("30s") == 30_000)
        #expect(CorrelationRule.parseTimespan("5m") == 300_000)
        #expect(CorrelationRule.parseTimespan("1h") == 3_600_000)
        #expect(CorrelationRule.parseTimespan("1d") == 86_400_000)
        #expect(CorrelationRule.parseTimespan("90m") == 5_400_000)
        for bad in ["", "m", "5", "0m", "-5m", "5x", "1.5h", "5 m", "5M", "99999999999d"] {
            #expect(CorrelationRule.parseTimespan(bad) == nil, "\(bad)")
        }
    }

    @Test func noGroupByIsOneGroup() throws {
        let rule = try F.rule("""
        title: Any burst
        correlation: {type: event_count, rules: [x], timespan: 10s, condition: {gt: 2}}
        """)
        #expect(rule.groupBy.isEmpty)
        #expect(rule.condition.firingCount == 3)
    }

    /// Each malformed document, with the key the message must name.
    @Test(arguments: [
        ("- just a list", "mapping"),
        ("correlation: {type: event_count, rules: [x], timespan: 1m, condition: {gte: 1}}", "title"),
        ("title: t\nlogsource: {product: aws}", "correlation: missing"),
        ("title: t\ncorrelation: {rules: [x], timespan: 1m, condition: {gte: 1}}", "correlation.type"),
        ("title: t\ncorrelation: {type: event_sum, rules: [x], timespan: 1m, condition: {gte: 1}}", "'event_sum' is not a correlation type"),
        ("title: t\ncorrelation: {type: event_count, timespan: 1m, condition: {gte: 1}}", "correlation.rules"),
        ("title: t\ncorrelation: {type: event_count, rules: [], timespan: 1m, condition: {gte: 1}}", "correlation.rules"),
        ("title: t\ncorrelation: {type: temporal, rules: [x], timespan: 1m}", "at least two rules"),
        ("title: t\ncorrelation: {type: event_count, rules: [x], condition: {gte: 1}}", "correlation.timespan: missing"),
        ("title: t\ncorrelation: {type: event_count, rules: [x], timespan: 5 minutes, condition: {gte: 1}}", "correlation.timespan: '5 minutes'"),
        ("title: t\ncorrelation: {type: event_count, rules: [x], timespan: 1w, condition: {gte: 1}}", "correlation.timespan: '1w'"),
        ("title: t\ncorrelation: {type: event_count, rules: [x], timespan: 1m}", "correlation.condition: missing"),
        ("title: t\ncorrelation: {type: event_count, rules: [x], timespan: 1m, condition: {gte: 1, eq: 2}}", "exactly one"),
        ("title: t\ncorrelation: {type: event_count, rules: [x], timespan: 1m, condition: {field: a}}", "needs one of gt, gte or eq"),
        ("title: t\ncorrelation: {type: event_count, rules: [x], timespan: 1m, condition: {gte: many}}", "correlation.condition.gte"),
        ("title: t\ncorrelation: {type: event_count, rules: [x], timespan: 1m, condition: {gte: 0}}", "without any match"),
        ("title: t\ncorrelation: {type: event_count, rules: [x], timespan: 1m, condition: {above: 3}}", "unknown key 'above'"),
        ("title: t\ncorrelation: {type: value_count, rules: [x], timespan: 1m, condition: {gte: 3}}", "correlation.condition.field: missing"),
        ("title: t\ncorrelation: {type: event_count, rules: [x], timespan: 1m, condition: {gte: 3, field: a}}", "only value_count"),
        ("title: t\ncorrelation: {type: temporal, rules: [x, y], timespan: 1m, condition: {gte: 3}}", "can never hold"),
        ("title: t\nlevel: severe\ncorrelation: {type: event_count, rules: [x], timespan: 1m, condition: {gte: 3}}", "level: 'severe'"),
        ("title: t\ncorrelation: {type: event_count, rules: [x], timespan: 1m, condition: {gte: 3}, generate: maybe}", "correlation.generate"),
        ("title: t\ncorrelation: {type: temporal, rules: [x, y], timespan: 1m, aliases: {ip: {z: srcaddr}}}", "'z' is not one of correlation.rules"),
    ])
    func invalidDocuments(yaml: String, expected: String) throws {
        let error = try #require(F.parseError(yaml))
        #expect(error.source.hasPrefix("rules/bad.yml"))
        #expect(error.description.contains(expected), "\(error)")
    }

    @Test func lessThanIsUnsupportedWithAReason() throws {
        for op in ["lt", "lte"] {
            let error = try #require(F.parseError("""
            title: Quiet host
            correlation: {type: event_count, rules: [x], timespan: 1h, condition: {\(op): 1}}
            """))
            #expect(error.kind == .unsupported)
            #expect(error.source == "rules/bad.yml (Quiet host)")
            #expect(error.message.contains("correlation.condition.\(op)"))
            #expect(error.message.contains("use gt, gte or eq"))
        }
    }
}

@Suite struct CorrelationEngineTests {
    typealias F = CorrelationFixtures
    let t0: Int64 = 1_700_000_000

    @Test func eventCountFiresAtTheThresholdWithinTheTimespan() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(5))])
        var hits: [CorrelationHit] = []
        for i in 0..<5 {
            let event = try F.flow(src: "203.0.113.9", port: 22, end: t0 + Int64(i) * 10)
            hits = engine.observe(ruleID: "flow_rejected", ruleName: nil, event: event)
            if i < 4 { #expect(hits.isEmpty) }
        }
        let hit = try #require(hits.first)
        #expect(hits.count == 1)
        #expect(hit.count == 5)
        #expect(hit.groupKey == ["srcaddr": "203.0.113.9"])
        #expect(hit.firstMillis == t0 * 1000)
        #expect(hit.lastMillis == (t0 + 40) * 1000)
        #expect(hit.eventKeys.count == 5)
        #expect(hit.eventKeys.allSatisfy { $0.hasPrefix("vpcflow:2 123456789012 eni-0a1b2c3d 203.0.113.9") })
        #expect(hit.rule.id == "burst")
    }

    /// Matches at one millisecond share a sample: five of them in one sample still reach a count of five.
    @Test func eventCountFiresOnMatchesAtOneMillisecond() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(5))])
        var fired: [Int] = []
        for i in 0..<5 {
            let event = try F.flow(src: "203.0.113.9", port: 22, end: t0)
            let hits = engine.observe(ruleID: "flow_rejected", ruleName: nil, event: event)
            if !hits.isEmpty { fired.append(i + 1) }
            if let hit = hits.first { #expect(hit.count == 5) }
        }
        #expect(fired == [5])
    }

    @Test func eventCountDoesNotFireWhenSpreadWiderThanTheTimespan() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(5))])
        // 15 s apart: any 60 s window (half-open) holds at most 4 of them.
        for i in 0..<20 {
            let event = try F.flow(src: "203.0.113.9", port: 22, end: t0 + Int64(i) * 15)
            #expect(engine.observe(ruleID: "flow_rejected", ruleName: nil, event: event).isEmpty)
        }
        #expect(engine.openGroups == 1)
    }

    @Test func gtAndEqThresholds() throws {
        let gt = CorrelationEngine(rules: [try F.rule(F.eventCount(3, op: "gt"))])
        let eq = CorrelationEngine(rules: [try F.rule(F.eventCount(3, op: "eq"))])
        var gtFired: [Int] = [], eqFired: [Int] = []
        for i in 0..<4 {
            let event = try F.flow(src: "203.0.113.9", port: 22, end: t0 + Int64(i))
            if !gt.observe(ruleID: "flow_rejected", ruleName: nil, event: event).isEmpty { gtFired.append(i + 1) }
            if !eq.observe(ruleID: "flow_rejected", ruleName: nil, event: event).isEmpty { eqFired.append(i + 1) }
        }
        #expect(gtFired == [4])
        #expect(eqFired == [3])
    }

    @Test func firingResetsTheGroupUntilAFreshWindow() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(3))])
        var fired: [Int] = []
        for i in 0..<9 {
            let event = try F.flow(src: "203.0.113.9", port: 22, end: t0 + Int64(i))
            if !engine.observe(ruleID: "flow_rejected", ruleName: nil, event: event).isEmpty { fired.append(i) }
        }
        #expect(fired == [2, 5, 8])
        // A late match from before the last hit does not start a new count.
        let late = try F.flow(src: "203.0.113.9", port: 22, end: t0 + 1)
        #expect(engine.observe(ruleID: "flow_rejected", ruleName: nil, event: late).isEmpty)
    }

    @Test func valueCountCountsDistinctPortsNotRepeats() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.portScan)])
        // The same port twenty times is not a scan.
        for i in 0..<20 {
            let event = try F.flow(src: "198.51.100.1", port: 443, end: t0 + Int64(i))
            #expect(engine.observe(ruleID: "flow_rejected_inbound", ruleName: nil, event: event).isEmpty)
        }
        // Four distinct ports, each twice: still 4 values.
        var hits: [CorrelationHit] = []
        for port in [22, 23, 22, 3389, 23, 445, 3389] {
            let event = try F.flow(src: "198.51.100.2", port: port, end: t0 + 30)
            hits += engine.observe(ruleID: "flow_rejected_inbound", ruleName: nil, event: event)
        }
        #expect(hits.isEmpty)
        // The fifth port fires.
        hits = engine.observe(ruleID: "flow_rejected_inbound", ruleName: nil,
                              event: try F.flow(src: "198.51.100.2", port: 8080, end: t0 + 31))
        let hit = try #require(hits.first)
        #expect(hit.count == 5)
        #expect(hit.groupKey == ["srcaddr": "198.51.100.2"])
        #expect(hit.rule.name == "port_scan")
        #expect(hit.eventKeys.count == 8)
    }

    @Test func valueCountByRuleName() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.portScan)])
        #expect(engine.isReferenced(ruleID: "3f9e-uuid", ruleName: "flow_rejected_inbound"))
        #expect(!engine.isReferenced(ruleID: "3f9e-uuid", ruleName: "other"))
        var hits: [CorrelationHit] = []
        for port in 1...5 {
            hits += engine.observe(ruleID: "3f9e-uuid", ruleName: "flow_rejected_inbound",
                                   event: try F.flow(src: "198.51.100.3", port: port, end: t0))
        }
        #expect(hits.count == 1)
    }

    @Test func unreferencedRulesAreIgnored() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.portScan)])
        for port in 1...50 {
            #expect(engine.observe(ruleID: "something_else", ruleName: nil,
                                   event: try F.flow(src: "198.51.100.3", port: port, end: t0)).isEmpty)
        }
        #expect(engine.openGroups == 0)
    }

    @Test func groupByKeepsSourcesApart() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(4))])
        var hits: [CorrelationHit] = []
        for i in 0..<3 {
            for src in ["203.0.113.1", "203.0.113.2"] {
                hits += engine.observe(ruleID: "flow_rejected", ruleName: nil,
                                       event: try F.flow(src: src, port: 22, end: t0 + Int64(i)))
            }
        }
        #expect(hits.isEmpty)  // six matches, but three per source
        #expect(engine.openGroups == 2)
        hits = engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "203.0.113.2", port: 22, end: t0 + 3))
        #expect(hits.map(\.groupKey) == [["srcaddr": "203.0.113.2"]])
    }

    @Test func missingGroupByFieldIsAnEmptyValue() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(2, groupBy: "[srcaddr, vpc-id]"))])
        var hits: [CorrelationHit] = []
        for i in 0..<2 {
            hits += engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "203.0.113.1", port: 22, end: t0 + Int64(i)))
        }
        #expect(hits.first?.groupKey == ["srcaddr": "203.0.113.1", "vpc-id": ""])
    }

    @Test func outOfOrderMatchesCount() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(5))])
        // Times (s) arrive as 100, 40, 70, 50, 60: the window [40, 100) holds 40, 50, 60, 70 (4) and
        // [50, 110) holds 50, 60, 70, 100 (4), so nothing fires yet.
        var hits: [CorrelationHit] = []
        for offset in [100, 40, 70, 50, 60] as [Int64] {
            hits += engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "203.0.113.9", port: 22, end: t0 + offset))
        }
        #expect(hits.isEmpty)
        // A late 45 s match completes [40, 100): 40, 45, 50, 60, 70.
        hits = engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "203.0.113.9", port: 22, end: t0 + 45))
        let hit = try #require(hits.first)
        #expect(hit.count == 5)
        #expect(hit.firstMillis == (t0 + 40) * 1000)
        #expect(hit.lastMillis == (t0 + 70) * 1000)
    }

    @Test func lateBeyondTheAllowedLatenessIsIgnored() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(2))], allowedLatenessMillis: 60_000)
        #expect(engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "203.0.113.9", port: 22, end: t0 + 1000)).isEmpty)
        // 1000 - 120 s = 880 s: outside timespan + lateness.
        #expect(engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "203.0.113.9", port: 22, end: t0 + 870)).isEmpty)
        #expect(engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "203.0.113.9", port: 22, end: t0 + 871)).isEmpty)
        // Within lateness: two matches 1 s apart, 2 min behind the newest.
        #expect(engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "203.0.113.9", port: 22, end: t0 + 890)).isEmpty)
        #expect(engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "203.0.113.9", port: 22, end: t0 + 891)).count == 1)
    }

    @Test func temporalNeedsEveryRule() throws {
        let rule = try F.rule("""
        title: Console login then key creation
        id: temporal-1
        level: critical
        correlation:
          type: temporal
          rules: [console_login, create_access_key, stop_logging]
          group-by: [userIdentity.arn]
          timespan: 10m
        """)
        let engine = CorrelationEngine(rules: [rule])
        let arn = "arn:aws:iam::123456789012:user/alice"
        var hits = engine.observe(ruleID: "console_login", ruleName: nil,
                                  event: try F.cloudTrail("ConsoleLogin", arn: arn, time: "2026-01-01T10:00:00Z", id: "e1"))
        hits += engine.observe(ruleID: "console_login", ruleName: nil,
                               event: try F.cloudTrail("ConsoleLogin", arn: arn, time: "2026-01-01T10:01:00Z", id: "e2"))
        hits += engine.observe(ruleID: "create_access_key", ruleName: nil,
                               event: try F.cloudTrail("CreateAccessKey", arn: arn, time: "2026-01-01T10:02:00Z", id: "e3"))
        // Another principal's StopLogging does not complete alice's set.
        hits += engine.observe(ruleID: "stop_logging", ruleName: nil,
                               event: try F.cloudTrail("StopLogging", arn: "arn:aws:iam::123456789012:user/bob",
                                                       time: "2026-01-01T10:03:00Z", id: "e4"))
        #expect(hits.isEmpty)
        // Out of order but within 10 minutes.
        hits = engine.observe(ruleID: "stop_logging", ruleName: nil,
                              event: try F.cloudTrail("StopLogging", arn: arn, time: "2026-01-01T09:59:00Z", id: "e5"))
        let hit = try #require(hits.first)
        #expect(hit.count == 3)
        #expect(hit.groupKey == ["userIdentity.arn": arn])
        #expect(Set(hit.eventKeys) == ["cloudtrail:e1", "cloudtrail:e2", "cloudtrail:e3", "cloudtrail:e5"])
        #expect(hit.firstMillis == ISO8601Millis.parse("2026-01-01T09:59:00Z"))
    }

    @Test func temporalOutsideTheTimespanDoesNotFire() throws {
        let rule = try F.rule("""
        title: A and B
        correlation: {type: temporal, rules: [a, b], group-by: [srcaddr], timespan: 30s}
        """)
        let engine = CorrelationEngine(rules: [rule])
        #expect(engine.observe(ruleID: "a", ruleName: nil, event: try F.flow(src: "192.0.2.1", port: 1, end: t0)).isEmpty)
        #expect(engine.observe(ruleID: "b", ruleName: nil, event: try F.flow(src: "192.0.2.1", port: 1, end: t0 + 30)).isEmpty)
        #expect(engine.observe(ruleID: "b", ruleName: nil, event: try F.flow(src: "192.0.2.1", port: 1, end: t0 + 29)).count == 1)
    }

    @Test func temporalOrderedNeedsTheOrder() throws {
        let rule = try F.rule("""
        title: Reject then accept
        correlation: {type: temporal_ordered, rules: [rejected, accepted], group-by: [srcaddr], timespan: 5m}
        """)
        let engine = CorrelationEngine(rules: [rule])
        // accepted before rejected: not in order.
        #expect(engine.observe(ruleID: "accepted", ruleName: nil, event: try F.flow(src: "192.0.2.1", port: 22, end: t0, action: "ACCEPT")).isEmpty)
        #expect(engine.observe(ruleID: "rejected", ruleName: nil, event: try F.flow(src: "192.0.2.1", port: 22, end: t0 + 10)).isEmpty)
        // accepted after rejected fires, even arriving before a later reject.
        let hits = engine.observe(ruleID: "accepted", ruleName: nil, event: try F.flow(src: "192.0.2.1", port: 22, end: t0 + 20, action: "ACCEPT"))
        #expect(hits.count == 1)
        #expect(hits.first?.firstMillis == (t0 + 10) * 1000)
        #expect(hits.first?.lastMillis == (t0 + 20) * 1000)
    }

    @Test func aliasesGroupDifferentFieldsTogether() throws {
        let rule = try F.rule("""
        title: Outbound then inbound with the same peer
        correlation:
          type: temporal
          rules: [outbound, inbound]
          group-by: [peer]
          timespan: 1m
          aliases:
            peer:
              outbound: dstaddr
              inbound: srcaddr
        """)
        let engine = CorrelationEngine(rules: [rule])
        #expect(engine.observe(ruleID: "outbound", ruleName: nil,
                               event: try F.flow(src: "10.0.1.5", dst: "203.0.113.50", port: 443, end: t0)).isEmpty)
        let hits = engine.observe(ruleID: "inbound", ruleName: nil,
                                  event: try F.flow(src: "203.0.113.50", dst: "10.0.1.5", port: 4444, end: t0 + 5))
        #expect(hits.first?.groupKey == ["peer": "203.0.113.50"])
    }

    @Test func chainedCorrelations() throws {
        let scan = try F.rule(F.portScan)
        let scanThenAccept = try F.rule("""
        title: Scan followed by an accepted connection
        level: critical
        correlation: {type: temporal_ordered, rules: [port_scan, flow_accepted], group-by: [srcaddr], timespan: 10m}
        """)
        let engine = CorrelationEngine(rules: [scan, scanThenAccept])
        var hits: [CorrelationHit] = []
        for port in 1...5 {
            hits += engine.observe(ruleID: "flow_rejected_inbound", ruleName: nil,
                                   event: try F.flow(src: "198.51.100.9", port: port, end: t0 + Int64(port)))
        }
        #expect(hits.map(\.rule.title) == ["Port scan from one source"])
        hits = engine.observe(ruleID: "flow_accepted", ruleName: nil,
                              event: try F.flow(src: "198.51.100.9", port: 22, end: t0 + 60, action: "ACCEPT"))
        #expect(hits.map(\.rule.title) == ["Scan followed by an accepted connection"])
    }

    @Test func evictionAtTheCapKeepsOtherGroupsCorrect() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(3))], maxOpenGroups: 4)
        // Group A gets two matches, then six other sources crowd in: A and the two oldest others go.
        let a = "203.0.113.100"
        for i in 0..<2 {
            #expect(engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: a, port: 22, end: t0 + Int64(i))).isEmpty)
        }
        for last in 1...6 {
            #expect(engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "192.0.2.\(last)", port: 22, end: t0 + 2)).isEmpty)
        }
        #expect(engine.openGroups == 4)
        #expect(engine.evictions == 3)
        // A was evicted, so it starts over: its third match overall does not fire...
        #expect(engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: a, port: 22, end: t0 + 3)).isEmpty)
        #expect(engine.evictions == 4)  // ... and coming back evicted 192.0.2.3.
        // ... while 192.0.2.6, still held with one match, fires on its third.
        let kept = "192.0.2.6"
        #expect(engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: kept, port: 22, end: t0 + 3)).isEmpty)
        let hits = engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: kept, port: 22, end: t0 + 4))
        #expect(hits.map(\.count) == [3])
        #expect(engine.openGroups == 4)
    }

    @Test func touchedGroupsSurviveEviction() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(3))], maxOpenGroups: 3)
        let a = "203.0.113.100"
        var hits = engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: a, port: 22, end: t0))
        for last in 1...10 {
            hits += engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "192.0.2.\(last)", port: 22, end: t0))
            if last == 2 || last == 4 {  // touching A moves it to the front, so the others go first
                hits += engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: a, port: 22, end: t0 + Int64(last)))
            }
        }
        #expect(hits.map(\.groupKey) == [["srcaddr": a]])
        #expect(engine.openGroups == 3)
        #expect(engine.evictions == 8)  // 11 groups made, 3 held
    }

    @Test func staleGroupsExpireWithoutCountingAsEvictions() throws {
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(3))], maxOpenGroups: 100, allowedLatenessMillis: 0)
        for last in 1...10 {
            _ = engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "192.0.2.\(last)", port: 22, end: t0))
        }
        #expect(engine.openGroups == 10)
        // An hour later, new traffic retires the old groups from the back, two per match.
        for last in 1...5 {
            _ = engine.observe(ruleID: "flow_rejected", ruleName: nil, event: try F.flow(src: "198.51.100.\(last)", port: 22, end: t0 + 3600))
        }
        #expect(engine.openGroups == 5)
        #expect(engine.expirations == 10)
        #expect(engine.evictions == 0)
    }

    @Test func concurrentObserversCountEveryMatch() throws {
        // 100 sources × 10 matches each, spread over 8 threads in an interleaved order; a threshold of 10
        // fires exactly once per source whatever the order of arrival.
        let engine = CorrelationEngine(rules: [try F.rule(F.eventCount(10))])
        var list: [DetectionEvent] = []
        for i in 0..<10 {
            for source in 0..<100 {
                list.append(try F.flow(src: "198.51.\(source / 50).\(source % 50)", port: 22, end: t0 + Int64(i)))
            }
        }
        let hits = Mutex<[CorrelationHit]>([])
        let events = list
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            var mine: [CorrelationHit] = []
            for index in stride(from: thread, to: events.count, by: 8) {
                mine += engine.observe(ruleID: "flow_rejected", ruleName: nil, event: events[index])
            }
            hits.withLock { $0 += mine }
        }
        let all = hits.withLock { $0 }
        #expect(all.count == 100)
        #expect(Set(all.compactMap { $0.groupKey["srcaddr"] }).count == 100)
        #expect(all.allSatisfy { $0.count == 10 && $0.eventKeys.count == 10 })
        #expect(engine.openGroups == 100)
        #expect(engine.evictions == 0)
    }
}
