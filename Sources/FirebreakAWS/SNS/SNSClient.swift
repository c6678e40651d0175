/// Typed SNS calls over the Query protocol (`Version=2010-03-31`, signing name `sns`).
public struct SNSClient: QueryServiceClient {
    public static let apiVersion = "2010-03-31"
    public static let signingName = "sns"
    /// The largest message, attributes included (UTF-8 bytes).
    public static let maxMessageBytes = 262_144
    public static let maxSubjectLength = 100

    public let client: AWSClient

    /// A client over `client`, whose signing name should be `sns`.
    public init(client: AWSClient) {
        self.client = client
    }

    /// Publish to a topic; returns the message id. Checked before sending (`.invalidParameter`): the subject
    /// (≤ 100 printable ASCII characters, no line breaks, not starting with a space) and the size
    /// (message plus attributes ≤ 262,144 bytes). On a FIFO topic (`isFIFO(topicArn)`) `fifo` is required: SNS
    /// then delivers a message with the same deduplication id once within its 5-minute window, so the call may
    /// be retried safely; on a standard topic `fifo` must be nil.
    public func publish(topicArn: String, subject: String? = nil, message: String,
                        attributes: [String: SNSMessageAttribute] = [:], fifo: FIFOMessage? = nil) throws(AWSError) -> String {
        let request = try Self.publishRequest(topicArn: topicArn, subject: subject, message: message,
                                              attributes: attributes, fifo: fifo)
        let root = try call(request)
        guard let id = root.string("PublishResult", "MessageId") else {
            throw AWSError(.server, code: "MalformedResponse", message: "Publish answered without a MessageId",
                           requestID: root.string("ResponseMetadata", "RequestId"))
        }
        return id
    }

    /// The Publish request; attributes in name order (`MessageAttributes.entry.N.Name`, `.Value.DataType`,
    /// `.Value.StringValue` or `.Value.BinaryValue`).
    static func publishRequest(topicArn: String, subject: String?, message: String,
                               attributes: [String: SNSMessageAttribute], fifo: FIFOMessage? = nil) throws(AWSError) -> QueryRequest {
        if let subject { try validate(subject: subject) }
        switch (isFIFO(topicArn), fifo) {
        case (true, nil):
            throw AWSError(.invalidParameter, message: "\(topicArn) is a FIFO topic: a message group and deduplication id are required")
        case (false, .some):
            throw AWSError(.invalidParameter, message: "\(topicArn) is a standard topic: it takes no message group or deduplication id")
        case (true, .some(let fifo)):
            try fifo.validate()
        case (false, nil):
            break
        }
        guard !message.isEmpty else { throw AWSError(.invalidParameter, message: "the message is empty") }
        let size = message.utf8.count
            + attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.dataType.utf8.count + $1.value.value.utf8.count }
        guard size <= maxMessageBytes else {
            throw AWSError(.invalidParameter,
                           message: "the message and its attributes are \(size) bytes, more than \(maxMessageBytes)")
        }
        var request = Self.request("Publish")
        request.add("TopicArn", topicArn)
        request.addIfPresent("Subject", subject)
        request.add("Message", message)
        if let fifo {
            request.add("MessageGroupId", fifo.groupID)
            request.add("MessageDeduplicationId", fifo.deduplicationID)
        }
        let sorted = attributes.sorted { $0.key < $1.key }
        request.addList("MessageAttributes.entry", sorted) { query, prefix, entry in
            query.add("\(prefix).Name", entry.key)
            query.add("\(prefix).Value.DataType", entry.value.dataType)
            query.add(entry.value.isBinary ? "\(prefix).Value.BinaryValue" : "\(prefix).Value.StringValue",
                      entry.value.value)
        }
        return request
    }

    /// True for a FIFO topic's ARN (its name ends in `.fifo`).
    public static func isFIFO(_ topicArn: String) -> Bool { topicArn.hasSuffix(".fifo") }

    static func validate(subject: String) throws(AWSError) {
        guard !subject.isEmpty, subject.unicodeScalars.count <= maxSubjectLength else {
            throw AWSError(.invalidParameter, message: "the subject must have 1 to \(maxSubjectLength) characters")
        }
        guard subject.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
            throw AWSError(.invalidParameter,
                           message: "the subject must be printable ASCII, without line breaks or control characters")
        }
        guard subject.first != " " else {
            throw AWSError(.invalidParameter, message: "the subject must start with a letter, number or punctuation")
        }
    }
}
