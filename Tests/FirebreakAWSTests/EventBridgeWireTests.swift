import Foundation
import Testing
@testable import FirebreakAWS

/// The EventBridge client's wire contract without a server: PutEvents as AWS JSON 1.1, the entry count and size
/// refused before sending, per-entry outcomes, and no blind retry of a call that makes events.
@Suite struct EventBridgeWireTests {
    private func events(_ transport: ScriptedTransport) -> EventBridgeClient {
        EventBridgeClient(client: makeClient(transport, service: EventBridgeClient.signingName))
    }

    private func entry(_ detail: String = #"{"findingId":"f-1"}"#, time: Date? = nil) -> EventBridgeEntry {
        EventBridgeEntry(source: "firebreak", detailType: "Firebreak Finding", detail: detail, time: time)
    }

    /// The AWS error `body` throws; nil when it throws none (or another error, which fails the expectation).
    private func error(_ body: () throws -> Void) -> AWSError? {
        do { try body() } catch { return error as? AWSError }
        return nil
    }

    @Test func putEventsIsAJSON11CallWithEveryEntryField() throws {
        let transport = ScriptedTransport([.respond(200, #"{"FailedEntryCount":0,"Entries":[{"EventId":"e-1"}]}"#)])
        let sent = EventBridgeEntry(source: "firebreak", detailType: "Firebreak Finding", detail: #"{"level":"high"}"#,
                                    eventBusName: "security", resources: ["arn:aws:ec2:us-east-1:111122223333:instance/i-1"],
                                    time: Date(timeIntervalSince1970: 1_777_636_800.25))
        let result = try events(transport).putEvents([sent])
        #expect(result == EventBridgePutEventsResult(entries: [EventBridgeEntryResult(eventID: "e-1")]))
        #expect(result.failedEntryCount == 0)
        let request = try #require(transport.sent.first)
        #expect(request.method == "POST" && request.url.path == "/")
        #expect(request.header("X-Amz-Target") == "AWSEvents.PutEvents")
        #expect(request.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(request.header("Authorization")?.contains("/us-east-1/events/aws4_request") == true)
        // A call that makes events goes on a fresh connection (libcurl could otherwise send it twice).
        #expect(request.freshConnection)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        let entries = try #require(body["Entries"] as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries[0]["Source"] as? String == "firebreak")
        #expect(entries[0]["DetailType"] as? String == "Firebreak Finding")
        #expect(entries[0]["Detail"] as? String == #"{"level":"high"}"#)
        #expect(entries[0]["EventBusName"] as? String == "security")
        #expect(entries[0]["Resources"] as? [String] == ["arn:aws:ec2:us-east-1:111122223333:instance/i-1"])
        #expect(entries[0]["Time"] as? Double == 1_777_636_800.25)

        let bare = ScriptedTransport([.respond(200, #"{"FailedEntryCount":0,"Entries":[{"EventId":"e-2"}]}"#)])
        _ = try events(bare).putEvents([entry()])
        let bareEntry = try #require((try JSONSerialization.jsonObject(with: Data(bare.sent[0].body)) as? [String: Any])?["Entries"]
                                        as? [[String: Any]]).first
        #expect(bareEntry.map { Set($0.keys) } == ["Source", "DetailType", "Detail"])
    }

    @Test func entrySizeFollowsEventBridgesRule() {
        // Time 14 bytes; source, detail type, detail and each resource in UTF-8 bytes; the bus name not at all.
        var sized = EventBridgeEntry(source: "src", detailType: "type", detail: #"{"é":1}"#, eventBusName: "a-long-bus-name",
                                     resources: ["r1", "r22"])
        #expect(sized.size == 3 + 4 + 8 + 2 + 3)
        sized.time = Date()
        #expect(sized.size == 3 + 4 + 8 + 2 + 3 + 14)
    }

    @Test func batchesAndEntriesOverTheLimitsAreRefusedBeforeAnyCall() throws {
        let transport = ScriptedTransport([.respond(200, #"{"FailedEntryCount":0,"Entries":[]}"#)])
        let client = events(transport)
        let eleven = Array(repeating: entry(), count: EventBridgeClient.maxEntriesPerCall + 1)
        let countError = error { _ = try client.putEvents(eleven) }
        #expect(countError?.kind == .invalidParameter)
        #expect(countError?.message.contains("1 to 10 entries") == true)
        #expect(error { _ = try client.putEvents([]) }?.kind == .invalidParameter)

        let fixed = "firebreak".utf8.count + "Firebreak Finding".utf8.count + 14
        func detail(size: Int) -> String { #"{"p":""# + String(repeating: "x", count: size - 8) + #""}"# }
        let atLimit = entry(detail(size: EventBridgeClient.maxEntryBytes - fixed), time: Date())
        #expect(atLimit.size == EventBridgeClient.maxEntryBytes)
        let sizeError = error { _ = try client.putEvents([entry(), atLimit]) }
        #expect(sizeError?.kind == .invalidParameter)
        #expect(sizeError?.message.contains("entry 2") == true && sizeError?.message.contains("256 KB") == true)
        #expect(error { _ = try client.putEvents([EventBridgeEntry(source: "", detailType: "t", detail: "{}")]) }?.kind
            == .invalidParameter)
        #expect(error { _ = try client.putEvents([EventBridgeEntry(source: "s", detailType: "t", detail: "")]) }?.kind
            == .invalidParameter)
        #expect(transport.sent.isEmpty)

        // One byte less is sent; ten entries are sent.
        let belowLimit = entry(detail(size: EventBridgeClient.maxEntryBytes - fixed - 1), time: Date())
        #expect(throws: Never.self) { try EventBridgeClient.validate([belowLimit] + Array(repeating: entry(), count: 9)) }
    }

    @Test func partialFailuresComeBackPerEntryInOrder() throws {
        let transport = ScriptedTransport([.respond(200, """
            {"FailedEntryCount":1,"Entries":[{"EventId":"e-1"},
             {"ErrorCode":"InternalFailure","ErrorMessage":"try again"},{"EventId":"e-3"}]}
            """)])
        let result = try events(transport).putEvents([entry(), entry(), entry()])
        #expect(result.failedEntryCount == 1)
        #expect(result.entries.map(\.eventID) == ["e-1", nil, "e-3"])
        #expect(result.entries[1] == EventBridgeEntryResult(errorCode: "InternalFailure", errorMessage: "try again"))
        #expect(!result.entries[1].succeeded && result.entries[2].succeeded)

        let short = ScriptedTransport([.respond(200, #"{"FailedEntryCount":0,"Entries":[{"EventId":"e-1"}]}"#)])
        #expect(error { _ = try events(short).putEvents([entry(), entry()]) }?.code == "MalformedResponse")
    }

    @Test func putEventsIsRetriedOnlyWhenEventBridgeDidNotTakeIt() throws {
        let throttled = ScriptedTransport([
            .respond(400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#),
            .respond(200, #"{"FailedEntryCount":0,"Entries":[{"EventId":"e-1"}]}"#),
        ])
        #expect(try events(throttled).putEvents([entry()]).entries.first?.eventID == "e-1")
        #expect(throttled.sent.count == 2)

        // After a 5xx the events may exist: no blind retry (the caller decides).
        let failed = ScriptedTransport([.respond(500, #"{"__type":"InternalException","message":"oops"}"#)])
        #expect(error { _ = try events(failed).putEvents([entry()]) }?.kind == .server)
        #expect(failed.sent.count == 1)

        let missingBus = ScriptedTransport([.respond(400, #"{"__type":"ResourceNotFoundException","message":"Event bus x does not exist."}"#)])
        #expect(error { _ = try events(missingBus).putEvents([entry()]) }?.kind == .notFound)
    }
}
