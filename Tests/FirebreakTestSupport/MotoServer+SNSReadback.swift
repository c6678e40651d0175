import FirebreakAWS

/// SNS topics and the SQS queues that read them back: what a test counts SNS messages with.
extension MotoServer {
    /// Creates a topic (`name` must end in `.fifo` when `fifo`); returns its ARN.
    public func createTopic(_ name: String, fifo: Bool = false, contentBasedDeduplication: Bool = false) throws -> String {
        var request = SNSClient.request("CreateTopic")
        request.add("Name", name)
        if fifo {
            request.add("Attributes.entry.1.key", "FifoTopic")
            request.add("Attributes.entry.1.value", true)
            request.add("Attributes.entry.2.key", "ContentBasedDeduplication")
            request.add("Attributes.entry.2.value", contentBasedDeduplication)
        }
        return try required(sns.call(request).string("CreateTopicResult", "TopicArn"), "CreateTopic: TopicArn")
    }

    /// Creates an SQS queue (`name` must end in `.fifo` when `fifo`, deduplication by id only) and reads its ARN.
    public func createQueue(_ name: String, fifo: Bool = false) throws -> SQSQueue {
        let client = client(signingName: "sqs")
        var create = QueryRequest(action: "CreateQueue", version: SQSQueue.apiVersion)
        create.add("QueueName", name)
        if fifo {
            create.add("Attribute.1.Name", "FifoQueue")
            create.add("Attribute.1.Value", true)
            create.add("Attribute.2.Name", "ContentBasedDeduplication")
            create.add("Attribute.2.Value", false)
        }
        let url = try required(client.query(create).string("CreateQueueResult", "QueueUrl"), "CreateQueue: QueueUrl")
        var attributes = QueryRequest(action: "GetQueueAttributes", version: SQSQueue.apiVersion)
        attributes.add("QueueUrl", url)
        attributes.add("AttributeName.1", "QueueArn")
        let arn = try client.query(attributes).child("GetQueueAttributesResult")?.children("Attribute")
            .first { $0.string("Name") == "QueueArn" }?.string("Value")
        return SQSQueue(name: name, url: url, arn: try required(arn, "GetQueueAttributes: QueueArn"), client: client)
    }

    /// Subscribes `queue` to a topic (a `.fifo` queue to a `.fifo` topic); `rawDelivery` puts the bare message in
    /// the SQS body and its attributes in SQS message attributes. Returns the subscription ARN.
    @discardableResult
    public func subscribe(_ queue: SQSQueue, to topicArn: String, rawDelivery: Bool = false) throws -> String {
        var request = SNSClient.request("Subscribe")
        request.add("TopicArn", topicArn)
        request.add("Protocol", "sqs")
        request.add("Endpoint", queue.arn)
        request.add("ReturnSubscriptionArn", true)
        if rawDelivery {
            request.add("Attributes.entry.1.key", "RawMessageDelivery")
            request.add("Attributes.entry.1.value", true)
        }
        return try required(sns.call(request).string("SubscribeResult", "SubscriptionArn"), "Subscribe: SubscriptionArn")
    }

    /// A topic with a queue of the same name subscribed to it (both `.fifo` when `fifo`).
    public func topicWithQueue(_ name: String, fifo: Bool = false, rawDelivery: Bool = false) throws -> (topicArn: String, queue: SQSQueue) {
        let fullName = fifo ? name + ".fifo" : name
        let topicArn = try createTopic(fullName, fifo: fifo)
        let queue = try createQueue(fullName, fifo: fifo)
        try subscribe(queue, to: topicArn, rawDelivery: rawDelivery)
        return (topicArn, queue)
    }
}
