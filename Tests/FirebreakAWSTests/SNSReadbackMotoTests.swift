import FirebreakAWS
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing

/// SNS messages counted through SQS queues subscribed to the topic, in moto with signature checking on.
@Suite(.serialized, .motoServer)
struct SNSReadbackMotoTests {
    let moto: MotoServer

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
    }

    @Test func everyPublishedMessageIsReadOnceWithItsAttributes() throws {
        let (topicArn, queue) = try moto.topicWithQueue("alerts")
        let raw = try moto.createQueue("alerts-raw")
        try moto.subscribe(raw, to: topicArn, rawDelivery: true)
        var ids: [String] = []
        for index in 1...3 {
            ids.append(try moto.sns.publish(topicArn: topicArn, subject: "finding \(index)", message: "m\(index)",
                                            attributes: ["firebreak.action_id": .string("a-\(index)")]))
        }
        let received = try queue.collect(atLeast: 3, timeout: .seconds(10))
        #expect(received.count == 3)
        #expect(Set(received.map(\.sns.message)) == ["m1", "m2", "m3"])
        #expect(Set(received.compactMap(\.sns.messageId)) == Set(ids))
        #expect(received.allSatisfy { !$0.sns.isRaw && $0.sns.subject == "finding " + $0.sns.message.dropFirst() })
        #expect(received.allSatisfy { $0.sns.attributes["firebreak.action_id"] == "a-" + $0.sns.message.dropFirst() })

        let rawReceived = try raw.collect(atLeast: 3, timeout: .seconds(10))
        #expect(rawReceived.count == 3)
        #expect(rawReceived.allSatisfy { $0.sns.isRaw && $0.body == $0.sns.message })
        #expect(Set(rawReceived.compactMap { $0.messageAttributes["firebreak.action_id"] }) == ["a-1", "a-2", "a-3"])
        #expect(try queue.drain().isEmpty && raw.drain().isEmpty, "drained messages are gone")
    }

    @Test func aFIFOPublishRepeatedWithItsDeduplicationIdIsDeliveredOnce() throws {
        let (topicArn, queue) = try moto.topicWithQueue("actions", fifo: true)
        #expect(queue.isFIFO && topicArn.hasSuffix(".fifo"))
        @discardableResult
        func publish(_ message: String, deduplicationId: String) throws -> String {
            var request = SNSClient.request("Publish")
            request.add("TopicArn", topicArn)
            request.add("Message", message)
            request.add("MessageGroupId", "i-1")
            request.add("MessageDeduplicationId", deduplicationId)
            request.add("MessageAttributes.entry.1.Name", "firebreak.action_id")
            request.add("MessageAttributes.entry.1.Value.DataType", "String")
            request.add("MessageAttributes.entry.1.Value.StringValue", deduplicationId)
            return try #require(try moto.sns.call(request).string("PublishResult", "MessageId"))
        }
        let first = try publish("terminate i-1", deduplicationId: "a-1")
        try publish("terminate i-1", deduplicationId: "a-1")
        try publish("snapshot vol-1", deduplicationId: "a-2")
        let received = try queue.drain()
        #expect(received.map(\.sns.message) == ["terminate i-1", "snapshot vol-1"])
        #expect(received.map { $0.attributes["MessageDeduplicationId"] } == ["a-1", "a-2"])
        #expect(received.map { $0.sns.attributes["firebreak.action_id"] } == ["a-1", "a-2"])
        #expect(received.first?.sns.messageId == first)

        // moto, unlike AWS (five minutes whatever happens), forgets an id once its message is deleted: read a
        // FIFO queue after the publishing under test is over. This tells when moto changes.
        try publish("terminate i-1", deduplicationId: "a-1")
        #expect(try queue.drain().count == 1)
    }
}
