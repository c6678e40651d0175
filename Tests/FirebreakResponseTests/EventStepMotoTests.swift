import FirebreakAWS
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakResponse

/// The `event` step against moto: the finding as OCSF on a bus (read back through a rule's SQS target), in observe
/// mode too, and a finding too large for one entry sent without its matched event.
@Suite(.serialized, .motoServer)
struct EventStepMotoTests {
    let moto: MotoServer

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
    }

    func action(bus: String) -> PlannedAction {
        PlannedAction(id: "act-event-1", findingID: "fb-1", ruleID: "rule-1", playbook: "p", sequence: 0,
                      step: PlaybookStep(.event, options: ["bus": bus]), resourceType: "instance", resourceID: "i-0abc",
                      idempotencyKey: "event|fb-1|" + bus, payload: #"{"bus":"\#(bus)"}"#)
    }

    /// A stored finding whose matched event holds `eventBytes` of text.
    func finding(eventBytes: Int) -> StoredFinding {
        let event = String(repeating: "x", count: eventBytes)
        let json = #"{"findingId":"fb-1","ruleId":"rule-1","title":"Egress rejected","level":"high","#
            + #""time":"2023-11-14T22:15:00.000Z","logsource":"vpcflowlogs","tags":["attack.t1071"],"#
            + #""resource":{"type":"instance","id":"i-0abc","accountId":"123456789012","region":"us-east-1"},"#
            + #""matched":{"dstport":6667},"event":{"payload":"\#(event)"}}"#
        return StoredFinding(id: "fb-1", ruleID: "rule-1", title: "Egress rejected", level: "high", timeMillis: 1_700_000_100_000,
                             resourceType: "instance", resourceID: "i-0abc", json: json, count: 3)
    }

    func send(_ finding: StoredFinding, bus: String) throws -> StepOutcome {
        let runner = StepRunner(ec2: moto.ec2, eventBridge: EventBridgeClient(client: moto.client(signingName: "events")))
        return try runner.run(action(bus: bus), mode: .observe, instance: nil, context: AlertContext(finding: finding))
    }

    func detail(_ queue: SQSQueue) throws -> [String: Any] {
        let body = try #require(try queue.collect(atLeast: 1, timeout: .seconds(10)).first?.body)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        return try #require(event["detail"] as? [String: Any])
    }

    @Test func theFindingGoesOnTheBusAsOCSFInObserveMode() throws {
        let queue = try moto.eventBus("security-findings", queue: "events-small")
        let outcome = try send(finding(eventBytes: 100), bus: "security-findings")
        #expect(outcome.status == .done, "\(outcome.message)")
        let detail = try detail(queue)
        #expect(detail["class_uid"] as? Int == 2004 && detail["type_uid"] as? Int == 200402)
        #expect(detail["count"] as? Int == 3)
        #expect((detail["metadata"] as? [String: Any])?["uid"] as? String == "act-event-1")
        #expect(((detail["unmapped"] as? [String: Any])?["event"] as? [String: Any]) != nil)
    }

    @Test func aFindingAboveTheEntryLimitGoesWithoutItsEvent() throws {
        let queue = try moto.eventBus("big-findings", queue: "events-big")
        let outcome = try send(finding(eventBytes: 300 * 1024), bus: "big-findings")
        #expect(outcome.status == .done, "\(outcome.message)")
        let detail = try detail(queue)
        #expect((detail["finding_info"] as? [String: Any])?["uid"] as? String == "fb-1")
        #expect(detail["unmapped"] == nil)
    }

    @Test func aRefusedEntryIsAnError() throws {
        // No such bus: EventBridge refuses the entry (moto: the whole call), and the executor retries or fails it.
        #expect(throws: AWSError.self) { try send(finding(eventBytes: 10), bus: "no-such-bus") }
    }
}
