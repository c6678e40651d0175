import Foundation

/// An SNS message as a subscribed SQS queue received it. Without raw delivery the SQS body is SNS's notification
/// JSON (`Type: Notification`, `Message`, `Subject`, `MessageAttributes` of `{Type, Value}`); with
/// `RawMessageDelivery` it is the message itself, its attributes SQS message attributes.
public struct SNSDelivery: Sendable, Equatable {
    /// The published message.
    public var message: String
    /// The published subject (only in notification JSON).
    public var subject: String?
    /// The published message attributes by name (string values).
    public var attributes: [String: String]
    /// SNS's message id (only in notification JSON; `Publish` returned it).
    public var messageId: String?
    public var isRaw: Bool

    /// A body that is notification JSON (`Type` `Notification` with `TopicArn` and `Message`) is read as
    /// one; any other body as a raw delivery with `messageAttributes`.
    public init(sqsBody: String, messageAttributes: [String: String]) {
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(sqsBody.utf8)), envelope.Type == "Notification" {
            message = envelope.Message
            subject = envelope.Subject
            attributes = (envelope.MessageAttributes ?? [:]).mapValues(\.Value)
            messageId = envelope.MessageId
            isRaw = false
        } else {
            message = sqsBody
            subject = nil
            attributes = messageAttributes
            messageId = nil
            isRaw = true
        }
    }

    // Field names as SNS writes them.
    private struct Envelope: Decodable {
        var `Type`: String
        var TopicArn: String
        var Message: String
        var MessageId: String?
        var Subject: String?
        var MessageAttributes: [String: Attribute]?
    }

    private struct Attribute: Decodable {
        var `Type`: String
        var Value: String
    }
}
