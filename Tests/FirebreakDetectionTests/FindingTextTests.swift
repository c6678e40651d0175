import FirebreakLogs
import Testing
@testable import FirebreakDetection

/// `FindingAggregate.text()` writes the event once and places it in the finding: the result must be the same text
/// as serializing the whole finding, for flow and CloudTrail findings, with characters that need escaping.
@Suite struct FindingTextTests {
    static let flowRule = """
        title: Rejected "egress" \\ test
        id: 0d1e2f30-0000-4000-8000-00000000f10e
        logsource: {product: aws, service: vpcflowlogs}
        detection: {selection: {action: REJECT}, condition: selection}
        level: high
        tags: [attack.t1071]
        """

    static func aggregate(_ rule: String, _ event: DetectionEvent) throws -> FindingAggregate {
        let set = RuleSet(loaded: RuleFileLoader.load(yaml: rule, source: "text.yml"), placeholders: StaticPlaceholders())
        let findings = set.evaluate([event])
        #expect(findings.count == 1)
        return try #require(FindingAggregate.merge(findings).first)
    }

    @Test func flowFindingTextIsItsJSON() throws {
        let event = try SigmaTestSupport.flow("2 123456789012 eni-0a1b2c3d4e5f60001 10.0.1.5 192.0.2.44 49152 4444 6 1 40 1700000000 1700000060 REJECT OK")
        var aggregate = try Self.aggregate(Self.flowRule, event)
        let text = aggregate.text()
        #expect(text.finding == aggregate.json().serialized())
        #expect(text.event == aggregate.json()["event"]?.serialized())
        #expect(text.finding.contains(#"Rejected \"egress\" \\ test"#))
        #expect(try JSONParser().parse(text.finding) == aggregate.json())
    }

    @Test func cloudTrailFindingTextIsItsJSON() throws {
        let rule = SigmaTestSupport.cloudTrailRule("selection: {eventName: StopLogging}\ncondition: selection")
        let event = try SigmaTestSupport.cloudTrail(#"{"eventVersion":"1.09","eventTime":"2026-01-01T10:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","requestParameters":{"name":"trail\n\"main\""},"eventID":"e-1","recipientAccountId":"123456789012"}"#)
        var aggregate = try Self.aggregate(rule, event)
        let text = aggregate.text()
        #expect(text.finding == aggregate.json().serialized())
        #expect(text.event == aggregate.json()["event"]?.serialized())
        #expect(text.event?.contains(#"trail\n\"main\""#) == true)
    }
}
