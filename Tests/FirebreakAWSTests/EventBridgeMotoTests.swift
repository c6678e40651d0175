import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakAWS

/// EventBridge through the real signer and libcurl transport against `moto_server`, signature and IAM checking on:
/// PutEvents on a custom bus reaches an SQS queue through a rule, entry by entry.
@Suite(.serialized, .motoServer)
struct EventBridgeMotoTests {
    let moto: MotoServer
    let events: EventBridgeClient
    let bus = "security"

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        events = EventBridgeClient(client: moto.client(signingName: EventBridgeClient.signingName))
    }

    /// A custom bus with a rule on `source: firebreak` whose target is a new SQS queue.
    private func busWithQueue(_ name: String) throws -> SQSQueue { try moto.eventBus(bus, queue: name) }

    @Test func putEventsReachesTheQueueThroughTheRule() throws {
        let queue = try busWithQueue("findings")
        let instance = "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc"
        let result = try events.putEvents([
            EventBridgeEntry(source: "firebreak", detailType: "Firebreak Finding", detail: #"{"findingId":"f-1","level":"high"}"#,
                             eventBusName: bus, resources: [instance], time: Date(timeIntervalSince1970: 1_777_636_800)),
            EventBridgeEntry(source: "firebreak", detailType: "Firebreak Finding", detail: #"{"findingId":"f-2"}"#,
                             eventBusName: bus),
            EventBridgeEntry(source: "firebreak", detailType: "Firebreak Finding", detail: "not json", eventBusName: bus),
        ])
        #expect(result.failedEntryCount == 1)
        #expect(result.entries[0].succeeded && result.entries[1].succeeded)
        #expect(result.entries[2].errorCode == "MalformedDetail")

        let received = try queue.collect(atLeast: 2, timeout: .seconds(10))
        #expect(received.count == 2)
        let bodies = try received.map { message in
            try #require(try JSONSerialization.jsonObject(with: Data(message.body.utf8)) as? [String: Any])
        }
        let byID = Dictionary(uniqueKeysWithValues: bodies.map { ($0["id"] as? String ?? "", $0) })
        let first = try #require(byID[result.entries[0].eventID ?? ""])
        #expect(first["source"] as? String == "firebreak")
        #expect(first["detail-type"] as? String == "Firebreak Finding")
        #expect((first["detail"] as? [String: Any])?["findingId"] as? String == "f-1")
        #expect(first["resources"] as? [String] == [instance])
        let second = try #require(byID[result.entries[1].eventID ?? ""])
        #expect((second["detail"] as? [String: Any])?["findingId"] as? String == "f-2")
    }

    @Test func elevenEntriesAreRefusedBeforeAnyCall() throws {
        let queue = try busWithQueue("eleven")
        let before = moto.transport.count
        let entry = EventBridgeEntry(source: "firebreak", detailType: "Firebreak Finding", detail: #"{"n":1}"#, eventBusName: bus)
        var caught: AWSError?
        do { _ = try events.putEvents(Array(repeating: entry, count: 11)) } catch { caught = error }
        #expect(caught?.kind == .invalidParameter)
        #expect(moto.transport.count == before)
        #expect(try queue.drain().isEmpty)
        // Ten are one call.
        let beforeTen = moto.transport.count
        #expect(try events.putEvents(Array(repeating: entry, count: 10)).failedEntryCount == 0)
        #expect(moto.transport.count == beforeTen + 1)
        #expect(try queue.collect(atLeast: 10, timeout: .seconds(10)).count == 10)
    }
}
