/// A message received from an SQS queue.
public struct SQSMessage: Sendable {
    public var messageId: String
    /// What `SQSQueue.delete` needs.
    public var receiptHandle: String
    public var body: String
    /// Message attributes by name: the string value (binary ones base64). Raw SNS delivery puts the published
    /// message attributes here.
    public var messageAttributes: [String: String]
    /// System attributes: `SentTimestamp`, `ApproximateReceiveCount`; on FIFO queues `MessageGroupId`,
    /// `MessageDeduplicationId`, `SequenceNumber`.
    public var attributes: [String: String]

    public init(messageId: String, receiptHandle: String, body: String, messageAttributes: [String: String],
                attributes: [String: String]) {
        self.messageId = messageId
        self.receiptHandle = receiptHandle
        self.body = body
        self.messageAttributes = messageAttributes
        self.attributes = attributes
    }

    /// What SNS published, read from the notification JSON in the body or, for raw delivery, the body itself.
    public var sns: SNSDelivery { SNSDelivery(sqsBody: body, messageAttributes: messageAttributes) }
}
