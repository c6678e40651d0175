import FirebreakLogs
import Foundation
import Testing
@testable import FirebreakDetection

/// The engine's own behaviour: loading files, log-source routing, findings, correlation findings,
/// reload keeping the old set on error, and rule test files.
@Suite struct RuleSetTests {
    static let egressReject = """
        title: Instance egress rejected
        id: 11111111-1111-4111-8111-111111111111
        name: egress_rejected
        status: test
        level: high
        tags: [attack.exfiltration]
        logsource: {product: aws, service: vpcflowlogs}
        detection:
          selection:
            flow-direction: egress
            action: REJECT
          condition: selection
        """

    static let scan = """
        title: Probe rejected
        id: 22222222-2222-4222-8222-222222222222
        name: probe_rejected
        status: test
        level: informational
        logsource: {product: aws, service: vpcflowlogs}
        detection:
          selection:
            action: REJECT
            flow-direction: ingress
          condition: selection
        ---
        title: Port scan
        id: 33333333-3333-4333-8333-333333333333
        status: test
        level: high
        correlation:
          type: value_count
          rules: [probe_rejected]
          group-by: [srcaddr]
          timespan: 1m
          condition: {gte: 10, field: dstport}
        """

    static let ingressOpen = """
        title: Security group opened to the world
        id: 44444444-4444-4444-8444-444444444444
        status: test
        level: high
        logsource: {product: aws, service: cloudtrail}
        detection:
          selection:
            eventSource: ec2.amazonaws.com
            eventName: AuthorizeSecurityGroupIngress
            requestParameters.ipPermissions.items.ipRanges.items.cidrIp: 0.0.0.0/0
          condition: selection
        """

    static let network = NetworkContext(internalNetworks: try! IPSet(parsing: ["10.0.0.0/16"]))

    static func flow(_ line: String) -> DetectionEvent {
        DetectionEvent(DecodedEvent(event: .flow(try! FlowLogParser().parse(line)), context: LogContext(recordIndex: 0)), network: network)
    }

    static func set(_ yaml: String...) -> RuleSet {
        var loaded = LoadedRules()
        for (i, text) in yaml.enumerated() { loaded.merge(RuleFileLoader.load(yaml: text, source: "inline-\(i).yml")) }
        return RuleSet(loaded: loaded, placeholders: StaticPlaceholders())
    }

    @Test func flowFindingCarriesRuleResourceAndStableId() {
        let set = Self.set(Self.egressReject, Self.ingressOpen)
        #expect(set.problems.isEmpty, "\(set.problems)")
        let line = "3 vpc-0a1 subnet-0b2 i-0123456789abcdef0 eni-0c3 123456789012 IPv4 10.0.1.5 203.0.113.9 40000 6667 10.0.1.5 203.0.113.9 6 60 1 1700000000 1700000060 REJECT 2 OK"
        let format = try! FlowLogFormat(parsing: "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status")
        let event = DetectionEvent(DecodedEvent(event: .flow(try! FlowLogParser(format: format).parse(line)), context: LogContext(recordIndex: 0)),
                                   network: Self.network)
        let findings = set.evaluate([event])
        #expect(findings.count == 1)
        let finding = findings[0]
        #expect(finding.ruleID == "11111111-1111-4111-8111-111111111111")
        #expect(finding.level == .high)
        #expect(finding.resource.instanceID == "i-0123456789abcdef0")
        #expect(finding.resource.interfaceID == "eni-0c3")
        #expect(finding.resource.type == "instance")
        #expect(finding.timeMillis == 1_700_000_060_000)
        #expect(finding.matchedFields["action"] == [.string("REJECT")])
        // The same event again gives the same finding id.
        #expect(set.evaluate([event])[0].id == finding.id)
        // Inbound REJECTs from the internet do not match.
        #expect(set.evaluate([Self.flow("2 123456789012 eni-1 198.51.100.7 10.0.1.5 51000 22 6 1 60 1700000000 1700000060 REJECT OK")]).isEmpty)
        // CloudTrail rules never see flow events and the other way round.
        let json = #"{"eventVersion":"1.09","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","eventID":"e-1","eventTime":"2026-01-01T10:05:00Z","awsRegion":"us-east-1","recipientAccountId":"123456789012","requestParameters":{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}}"#
        let trail = DetectionEvent(DecodedEvent(event: .cloudTrail(CloudTrailRecord(record: try! JSONParser().parse(json), envelope: .bare)),
                                                context: LogContext(recordIndex: 0)))
        let trailFindings = set.evaluate([trail])
        #expect(trailFindings.map(\.ruleID) == ["44444444-4444-4444-8444-444444444444"])
        #expect(trailFindings.first?.resource.securityGroupID == "sg-1")
        #expect(trailFindings.first?.resource.region == "us-east-1")
    }

    @Test func correlationFindingForAPortScanAndSilentBaseRule() {
        let set = Self.set(Self.scan)
        #expect(set.problems.isEmpty, "\(set.problems)")
        var events: [DetectionEvent] = []
        for port in 1...12 {
            events.append(Self.flow("2 123456789012 eni-1 198.51.100.7 10.0.1.5 51000 \(port) 6 1 40 1700000000 \(1700000000 + port) REJECT OK"))
        }
        let findings = set.evaluate(events)
        #expect(findings.count == 1, "\(findings.map(\.ruleTitle))")
        let finding = findings.first
        #expect(finding?.ruleID == "33333333-3333-4333-8333-333333333333")
        #expect(finding?.correlation?.groupKey == ["srcaddr": "198.51.100.7"])
        #expect((finding?.correlation?.count ?? 0) >= 10)
        // Nine ports are not a scan.
        let few = Self.set(Self.scan).evaluate(Array(events.prefix(9)))
        #expect(few.isEmpty)
    }

    @Test func unknownCorrelationReferenceIsAProblem() {
        let set = Self.set(Self.scan.replacingOccurrences(of: "rules: [probe_rejected]", with: "rules: [nothing_like_it]"))
        #expect(set.correlations.isEmpty)
        #expect(set.problems.contains { $0.message.contains("nothing_like_it") })
    }

    @Test func reloadKeepsTheOldSetWhenAFileIsBroken() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fb-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("egress.yml")
        try Self.egressReject.write(to: file, atomically: true, encoding: .utf8)
        let engine = try DetectionEngine(sources: DetectionSources(rulePaths: [dir.path], network: Self.network))
        #expect(engine.ruleSet.rules.count == 1)

        try (Self.egressReject + "\n  extra: [unclosed").write(to: file, atomically: true, encoding: .utf8)
        let broken = try #require(engine.reloadIfChanged())
        #expect(!broken.applied)
        #expect(!broken.problems.isEmpty)
        #expect(engine.ruleSet.rules.count == 1)          // the old set stays in force
        #expect(engine.reloadIfChanged() == nil)           // reported once, not on every poll

        try Self.ingressOpen.write(to: dir.appendingPathComponent("ingress.yml"), atomically: true, encoding: .utf8)
        try Self.egressReject.write(to: file, atomically: true, encoding: .utf8)
        let fixed = try #require(engine.reloadIfChanged())
        #expect(fixed.applied)
        #expect(engine.ruleSet.rules.count == 2)
    }

    @Test func firstLoadWithProblemsThrows() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fb-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "title: x\nlogsource: {product: aws}\ndetection: {sel: {a|nosuchmodifier: 1}, condition: sel}\n"
            .write(to: dir.appendingPathComponent("bad.yml"), atomically: true, encoding: .utf8)
        do {
            _ = try DetectionEngine(sources: DetectionSources(rulePaths: [dir.path]))
            Issue.record("expected the load to fail")
        } catch {
            #expect(error.description.contains("bad.yml"))
        }
        #expect(throws: DetectionLoadError.self) {
            try DetectionEngine(sources: DetectionSources(rulePaths: [dir.appendingPathComponent("missing").path]))
        }
    }

    @Test func ruleTestFilesRun() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fb-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.egressReject.write(to: dir.appendingPathComponent("egress.yml"), atomically: true, encoding: .utf8)
        try """
            rule: 11111111-1111-4111-8111-111111111111
            match:
              - name: instance reaching out, rejected
                flow: "2 123456789012 eni-1 10.0.1.5 203.0.113.9 40000 6667 6 1 60 1700000000 1700000060 REJECT OK"
            nomatch:
              - name: internet knocking, rejected
                flow: "2 123456789012 eni-1 198.51.100.7 10.0.1.5 51000 22 6 1 60 1700000000 1700000060 REJECT OK"
              - name: deliberately wrong expectation
                flow: "2 123456789012 eni-1 10.0.1.5 203.0.113.9 40000 6667 6 1 60 1700000000 1700000060 REJECT OK"
            """.write(to: dir.appendingPathComponent("egress.tests.yaml"), atomically: true, encoding: .utf8)
        let files = RuleTestSuite.files(in: [dir.path])
        #expect(files.count == 1)
        let loaded = RuleFileLoader.load(paths: [dir.path])
        #expect(loaded.rules.count == 1, "the test file is not a rule")
        let outcomes = try RuleTestSuite.load(file: files[0]).run(loaded: loaded, placeholders: StaticPlaceholders(), network: Self.network)
        #expect(outcomes.map(\.passed) == [true, true, false])
    }

    /// A test file's `values:` binds value lists for its own cases: the same event matches with the configured
    /// (empty) list and not once the file lists its port.
    @Test func ruleTestFileValuesReplaceTheConfiguredLists() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fb-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            title: Unexpected egress port
            id: 22222222-2222-4222-8222-222222222222
            logsource: {product: aws, service: vpcflowlogs}
            detection:
              sel: {action: ACCEPT}
              expected: {dstport|expand: '%expected_ports%'}
              condition: sel and not expected
            level: low
            """.write(to: dir.appendingPathComponent("port.yml"), atomically: true, encoding: .utf8)
        let line = "2 123456789012 eni-1 10.0.1.5 203.0.113.9 40000 6667 6 1 60 1700000000 1700000060 ACCEPT OK"
        func outcomes(_ values: String) throws -> [Bool] {
            try "rule: 22222222-2222-4222-8222-222222222222\n\(values)nomatch:\n  - name: irc\n    flow: \"\(line)\"\n"
                .write(to: dir.appendingPathComponent("port.tests.yaml"), atomically: true, encoding: .utf8)
            let loaded = RuleFileLoader.load(paths: [dir.path])
            let configured = StaticPlaceholders(["expected_ports": .values(["443"])])
            let suite = try RuleTestSuite.load(file: dir.appendingPathComponent("port.tests.yaml").path)
            let shared = RuleSet(loaded: loaded, placeholders: configured)
            return suite.run(ruleSet: suite.ruleSet(shared: shared, loaded: loaded, placeholders: configured), network: Self.network)
                .map(\.passed)
        }
        #expect(try outcomes("") == [false])
        #expect(try outcomes("values:\n  expected_ports: ['443', '6667']\n") == [true])
        #expect(try outcomes("values:\n  other_list: ['6667']\n") == [false])
        for bad in ["values: [a, b]\n", "values:\n  expected_ports: '6667'\n", "values:\n  expected_ports: [{a: 1}]\n"] {
            #expect(throws: RuleError.self, "\(bad)") { try outcomes(bad) }
        }
    }
}

/// `RuleSet` runs a CloudTrail event only through the rules whose `eventName` prefilter admits it: the
/// findings must be those of running every CloudTrail rule on it.
@Suite struct CloudTrailDispatchTests {
    @Test func dispatchFindsWhatEveryRuleFinds() throws {
        var problems: [RuleError] = []
        let intel = IntelRegistry.load(BuiltInPackTests.intel, problems: &problems)
        let loaded = RuleFileLoader.load(paths: [BuiltInPackTests.rules, SigmaTestSupport.sigmaHQCloudTrail.path])
        var set = RuleSet(loaded: loaded, placeholders: intel.registry)
        set.reportsConsumedMatches = true
        let trailRules = set.rules.filter { $0.rule.logsource.covers(.cloudTrail) }
        // Every literal the prefilters accept, in its own case, upper case and mixed case, plus values no prefilter lists.
        var names: Set<String> = ["DescribeInstances", "", "Ünicode", "StopLoggingX"]
        for rule in trailRules {
            for literal in rule.program.equalityPrefilter(on: "eventName")?.literals ?? [] {
                let text = String(decoding: literal, as: UTF8.self)
                names.formUnion([text, text.uppercased(), text.prefix(1).uppercased() + text.dropFirst(), text + "é"])
            }
        }
        #expect(names.count > 40)
        let identities = [#"{"type":"Root","arn":"arn:aws:iam::123456789012:root","accountId":"123456789012"}"#,
                          #"{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/aws:ec2-instance/i-0abc","accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role"}}}"#]
        var events: [DetectionEvent] = []
        for name in names.sorted() {
            for identity in identities {
                events.append(try SigmaHQMatchTests.event("ec2.amazonaws.com", name, identity: identity))
            }
        }
        // Members the prefilters do not decide by bytes, or absent.
        for member in [#""eventName":7,"#, #""eventName":null,"#, #""eventName":["StopLogging"],"#, ""] {
            events.append(try SigmaTestSupport.cloudTrail("""
                {"eventVersion":"1.09","userIdentity":\(identities[0]),"eventTime":"2026-01-01T10:05:00Z",
                 "eventSource":"cloudtrail.amazonaws.com",\(member)"awsRegion":"eu-west-1","eventID":"e-1"}
                """))
        }
        // A duplicate key: the prefilter reads the member at CloudTrail's usual position first.
        events.append(try SigmaTestSupport.cloudTrail("""
            {"eventVersion":"1.09","userIdentity":\(identities[0]),"eventTime":"2026-01-01T10:05:00Z",
             "eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","eventName":"DescribeTrails","eventID":"e-2"}
            """))
        var matched = 0
        for event in events {
            var findings: [Finding] = []
            set.evaluate(event, into: &findings)
            let expected = trailRules.filter { $0.matches(event) }.map { $0.rule.id ?? $0.rule.title }
            #expect(findings.filter { $0.correlation == nil }.map(\.ruleID) == expected, "\(event.cloudTrail?.eventName ?? "-")")
            matched += expected.count
        }
        #expect(matched > 40)
    }
}
