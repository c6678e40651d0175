import Testing
@testable import FirebreakAWS

@Suite struct SNSClientTests {
    private let topic = "arn:aws:sns:us-east-1:123456789012:alerts"

    @Test func publishBodyAsBotocoreSendsIt() throws {
        let request = try SNSClient.publishRequest(topicArn: topic, subject: "Firebreak: high", message: "m 1",
                                                   attributes: ["severity": .string("high"),
                                                                "count": .number("3"),
                                                                "blob": SNSMessageAttribute(dataType: "Binary",
                                                                                            value: "AAE=")])
        #expect(request.body == "Action=Publish&Version=2010-03-31"
            + "&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aalerts&Subject=Firebreak%3A+high&Message=m+1"
            + "&MessageAttributes.entry.1.Name=blob&MessageAttributes.entry.1.Value.DataType=Binary"
            + "&MessageAttributes.entry.1.Value.BinaryValue=AAE%3D"
            + "&MessageAttributes.entry.2.Name=count&MessageAttributes.entry.2.Value.DataType=Number"
            + "&MessageAttributes.entry.2.Value.StringValue=3"
            + "&MessageAttributes.entry.3.Name=severity&MessageAttributes.entry.3.Value.DataType=String"
            + "&MessageAttributes.entry.3.Value.StringValue=high")
        let single = try SNSClient.publishRequest(topicArn: topic, subject: nil, message: "x",
                                                  attributes: ["severity": .string("high")])
        #expect(single.body == "Action=Publish&Version=2010-03-31"
            + "&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aalerts&Message=x"
            + "&MessageAttributes.entry.1.Name=severity&MessageAttributes.entry.1.Value.DataType=String"
            + "&MessageAttributes.entry.1.Value.StringValue=high")
    }

    @Test func invalidSubjectsAndSizesFailBeforeSending() {
        let transport = ScriptedTransport([.respond(200, "")])
        let sns = SNSClient(client: makeClient(transport, service: "sns"))
        let bad: [(String?, String)] = [
            (String(repeating: "s", count: 101), "m"), ("line\nbreak", "m"), ("tab\there", "m"), ("café", "m"),
            (" leading", "m"), ("", "m"), ("ok", ""), ("ok", String(repeating: "x", count: 262_145)),
        ]
        for (subject, message) in bad {
            var caught: AWSError?
            do { _ = try sns.publish(topicArn: topic, subject: subject, message: message) } catch { caught = error }
            #expect(caught?.kind == .invalidParameter, "\(subject ?? "nil")")
        }
        var caught: AWSError?
        do {
            _ = try sns.publish(topicArn: topic, message: String(repeating: "x", count: 262_140),
                                attributes: ["severity": .string("high")])
        } catch { caught = error }
        #expect(caught?.kind == .invalidParameter)
        #expect(transport.sent.isEmpty)
        #expect(throws: Never.self) {
            _ = try SNSClient.publishRequest(topicArn: topic, subject: String(repeating: "s", count: 100),
                                             message: String(repeating: "x", count: 262_144), attributes: [:])
        }
    }

    @Test func publishReturnsTheMessageIdAndMapsErrors() throws {
        let transport = ScriptedTransport([
            .respond(200, """
                <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>
                <MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult>
                <ResponseMetadata><RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata>
                </PublishResponse>
                """),
            .respond(404, """
                <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>
                <Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>
                """),
        ])
        let sns = SNSClient(client: makeClient(transport, service: "sns"))
        #expect(try sns.publish(topicArn: topic, subject: "s", message: "m") == "567910cd-659e-55d4-8ccb-5aaf14679dc0")
        var caught: AWSError?
        do { _ = try sns.publish(topicArn: topic, message: "m") } catch { caught = error }
        #expect(caught == AWSError(.notFound, code: "NotFound", message: "Topic does not exist", requestID: "r",
                                   status: 404))
        #expect(transport.sent[0].header("Authorization")?.contains("/us-east-1/sns/aws4_request") == true)
    }

    /// A FIFO topic needs a group and a deduplication id, a standard topic takes neither.
    @Test func fifoTopicsCarryGroupAndDeduplication() throws {
        let fifo = "arn:aws:sns:us-east-1:123456789012:alerts.fifo"
        let standard = "arn:aws:sns:us-east-1:123456789012:alerts"
        #expect(SNSClient.isFIFO(fifo) && !SNSClient.isFIFO(standard))
        let request = try SNSClient.publishRequest(topicArn: fifo, subject: nil, message: "m", attributes: [:],
                                                   fifo: FIFOMessage(groupID: "i-0abc", deduplicationID: "action-1"))
        #expect(request.value("MessageDeduplicationId") == "action-1" && request.value("MessageGroupId") == "i-0abc")
        #expect(!request.changesAccount, "a FIFO publish deduplicates itself: the client may retry it")
        #expect(throws: AWSError.self) { try SNSClient.publishRequest(topicArn: fifo, subject: nil, message: "m", attributes: [:]) }
        #expect(throws: AWSError.self) {
            try SNSClient.publishRequest(topicArn: standard, subject: nil, message: "m", attributes: [:],
                                         fifo: FIFOMessage(groupID: "g", deduplicationID: "d"))
        }
        #expect(throws: AWSError.self) {
            try SNSClient.publishRequest(topicArn: fifo, subject: nil, message: "m", attributes: [:],
                                         fifo: FIFOMessage(groupID: "g", deduplicationID: String(repeating: "x", count: 129)))
        }
    }
}
