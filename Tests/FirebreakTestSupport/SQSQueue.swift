import FirebreakAWS
import Foundation

/// An SQS queue read through the Query protocol (`Version=2012-11-05`, signing name `sqs`, `QueueUrl` in the
/// form), for counting what reached it, such as SNS messages from a subscribed topic.
///
/// moto keeps a FIFO deduplication id only while its message is in the queue (AWS: 5 minutes whatever happens),
/// so read a FIFO queue once the publishing under test is over: a deleted message's id no longer deduplicates.
public struct SQSQueue: Sendable {
    public static let apiVersion = "2012-11-05"
    public let name: String
    public let url: String
    public let arn: String
    public let client: AWSClient

    public init(name: String, url: String, arn: String, client: AWSClient) {
        self.name = name
        self.url = url
        self.arn = arn
        self.client = client
    }

    public var isFIFO: Bool { name.hasSuffix(".fifo") }

    /// Up to `max` (1 to 10) visible messages with all their attributes, each hidden from other receives for
    /// `visibilitySeconds`; long-polls up to `waitSeconds` when none is there.
    public func receive(max: Int = 10, waitSeconds: Int = 0, visibilitySeconds: Int = 30) throws -> [SQSMessage] {
        var request = request("ReceiveMessage")
        request.add("MaxNumberOfMessages", max)
        request.add("WaitTimeSeconds", waitSeconds)
        request.add("VisibilityTimeout", visibilitySeconds)
        request.add("AttributeName.1", "All")
        request.add("MessageAttributeName.1", "All")
        let messages = try client.query(request).child("ReceiveMessageResult")?.children("Message") ?? []
        return messages.map { element in
            var attributes: [String: String] = [:]
            for attribute in element.children("Attribute") {
                attributes[attribute.string("Name") ?? ""] = attribute.string("Value") ?? ""
            }
            var messageAttributes: [String: String] = [:]
            for attribute in element.children("MessageAttribute") {
                messageAttributes[attribute.string("Name") ?? ""] = attribute.string("Value", "StringValue")
                    ?? attribute.string("Value", "BinaryValue") ?? ""
            }
            return SQSMessage(messageId: element.string("MessageId") ?? "", receiptHandle: element.string("ReceiptHandle") ?? "",
                              body: element.string("Body") ?? "", messageAttributes: messageAttributes, attributes: attributes)
        }
    }

    public func delete(_ message: SQSMessage) throws {
        var request = request("DeleteMessage")
        request.add("ReceiptHandle", message.receiptHandle)
        _ = try client.query(request)
    }

    /// Receives and deletes until a receive comes back empty (or `timeout` passes); everything received, in order.
    public func drain(timeout: Duration = .seconds(10)) throws -> [SQSMessage] {
        let deadline = ContinuousClock.now + timeout
        var all: [SQSMessage] = []
        while ContinuousClock.now < deadline {
            let batch = try receive()
            if batch.isEmpty { break }
            for message in batch { try delete(message) }
            all += batch
        }
        return all
    }

    /// Drains until at least `count` messages came (or `timeout` passed), then once more after `settle` so
    /// that extra copies show too; everything received. For messages published asynchronously (a service).
    public func collect(atLeast count: Int, timeout: Duration, settle: Duration = .milliseconds(500)) throws -> [SQSMessage] {
        let deadline = ContinuousClock.now + timeout
        var all = try drain()
        while all.count < count && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            all += try drain()
        }
        Thread.sleep(forTimeInterval: Double(settle.components.seconds) + Double(settle.components.attoseconds) / 1e18)
        return all + (try drain())
    }

    private func request(_ action: String) -> QueryRequest {
        var request = QueryRequest(action: action, version: Self.apiVersion)
        request.add("QueueUrl", url)
        return request
    }
}
