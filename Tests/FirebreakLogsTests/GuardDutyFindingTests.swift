import Testing
@testable import FirebreakLogs

/// GuardDuty findings in their EventBridge envelope (`detail-type: GuardDuty Finding`), shaped after the GuardDuty
/// API reference (Finding, Resource, InstanceDetails, AccessKeyDetails, S3BucketDetail).
@Suite struct GuardDutyFindingTests {
    static let instanceResource = #"{"resourceType":"Instance","instanceDetails":{"instanceId":"i-0123456789abcdef0","instanceType":"t3.micro","networkInterfaces":[{"networkInterfaceId":"eni-0a1b2c3d4e5f60718","privateIpAddress":"10.0.1.5","subnetId":"subnet-0a9b8c7d6e5f40312","vpcId":"vpc-0f1e2d3c4b5a69788","securityGroups":[{"groupId":"sg-0abc1234","groupName":"web"}]}],"tags":[{"key":"Name","value":"web-1"}]}}"#
    static let accessKeyResource = #"{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":"AKIAIOSFODNN7EXAMPLE","principalId":"AIDACKCEVSQ6C2EXAMPLE","userName":"deploy","userType":"IAMUser"}}"#
    static let bucketResource = #"{"resourceType":"S3Bucket","s3BucketDetails":[{"arn":"arn:aws:s3:::example-bucket","name":"example-bucket","type":"Destination"}]}"#

    static func finding(type: String = "UnauthorizedAccess:EC2/TorClient", severity: String = "8", resource: String = instanceResource,
                        id: String = "5cbe9a1b2c3d4e5f60718293a4b5c6d7") -> String {
        #"{"schemaVersion":"2.0","accountId":"123456789012","region":"us-east-1","partition":"aws","id":"\#(id)","arn":"arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0/finding/\#(id)","type":"\#(type)","resource":\#(resource),"service":{"serviceName":"guardduty","detectorId":"12abc34d567e8fa901bc2d34e56789f0","action":{"actionType":"NETWORK_CONNECTION"},"resourceRole":"ACTOR","archived":false,"count":1},"severity":\#(severity),"createdAt":"2026-12-01T10:00:05.000Z","updatedAt":"2026-12-01T10:00:05.000Z","title":"t","description":"d"}"#
    }

    static func event(_ detail: String, detailType: String = "GuardDuty Finding") -> String {
        #"{"version":"0","id":"c8a6e2f1-0a1b-4c2d-9e3f-405162738495","detail-type":"\#(detailType)","source":"aws.guardduty","account":"123456789012","time":"2026-12-01T10:00:10Z","region":"us-east-1","resources":[],"detail":\#(detail)}"#
    }

    static func findings(_ result: RecordDecodeResult) -> [GuardDutyFinding] {
        result.events.compactMap { if case .guardDuty(let f) = $0.event { return f } else { return nil } }
    }

    @Test func eventBridgeEnvelope() throws {
        let result = try RecordDecoder().decode(record: Array(Self.event(Self.finding()).utf8), index: 0)
        #expect(result.issues.isEmpty)
        let found = Self.findings(result)
        try #require(found.count == 1)
        let f = found[0]
        #expect(result.events[0].event.kind == .guardDuty && LogEventKind.guardDuty.rawValue == "guardduty")
        #expect(f.type == "UnauthorizedAccess:EC2/TorClient")
        #expect(f.severity == 8)
        #expect(f.id == "5cbe9a1b2c3d4e5f60718293a4b5c6d7")
        #expect(f.accountID == "123456789012" && f.region == "us-east-1")
        #expect(f.updatedAt == "2026-12-01T10:00:05.000Z")
        #expect(f.resourceType == "Instance")
        #expect(f.instanceID == "i-0123456789abcdef0")
        #expect(f.vpcID == "vpc-0f1e2d3c4b5a69788")
        #expect(f.accessKeyID == nil && f.bucketName == nil)
        #expect(f.eventBridgeEnvelope?["source"] == .string("aws.guardduty"))
        #expect(f.eventBridgeEnvelope?["detail"] == nil)
        // Rules see the finding itself; the printed event is the finding.
        #expect(result.events[0].event.jsonValue()["type"] == .string("UnauthorizedAccess:EC2/TorClient"))
    }

    @Test func accessKeyAndBucketResources() throws {
        let key = try #require(GuardDutyFinding.decode(try JSONParser().parse(Self.event(Self.finding(
            type: "UnauthorizedAccess:IAMUser/TorIPCaller", severity: "5.0", resource: Self.accessKeyResource)))))
        #expect(key.accessKeyID == "AKIAIOSFODNN7EXAMPLE" && key.userName == "deploy" && key.instanceID == nil)
        #expect(key.severity == 5)
        let bucket = try #require(GuardDutyFinding.decode(try JSONParser().parse(Self.event(Self.finding(
            type: "Policy:S3/BucketBlockPublicAccessDisabled", severity: "2.5", resource: Self.bucketResource)))))
        #expect(bucket.bucketName == "example-bucket" && bucket.severity == 2.5 && bucket.resourceType == "S3Bucket")
    }

    @Test func bareFindingAndOtherEvents() throws {
        // A bare finding (S3 export, GetFindings) is recognised by its GuardDuty ARN.
        let bare = try RecordDecoder().decode(record: Array(Self.finding().utf8), index: 0)
        #expect(Self.findings(bare).first?.eventBridgeEnvelope == nil)
        #expect(Self.findings(bare).first?.instanceID == "i-0123456789abcdef0")
        // Other GuardDuty events, and a "GuardDuty Finding" without a detail object, stay generic JSON.
        for text in [Self.event(Self.finding(), detailType: "GuardDuty Runtime Protection Healthy"),
                     Self.event(#""not an object""#), #"{"schemaVersion":"2.0","type":"x","resource":{},"arn":"arn:aws:s3:::b"}"#] {
            let result = try RecordDecoder().decode(record: Array(text.utf8), index: 0)
            #expect(result.events.map(\.event.kind) == [.json], "\(text)")
        }
    }

    @Test func throughFirehoseAndCloudWatchLogs() throws {
        // EventBridge → Firehose: one event per record.
        let records = [Array(Self.event(Self.finding()).utf8),
                       Array(Self.event(Self.finding(type: "CryptoCurrency:EC2/BitcoinTool.B!DNS", id: "7d1e2f3a")).utf8)]
        let body = FirehoseDelivery(requestID: "r-2", timestampMillis: 1_764_583_200_000, records: records).jsonBody()
        let result = try RecordDecoder().decodeFile(Gzip.compress(body))
        #expect(Self.findings(result).map(\.type) == ["UnauthorizedAccess:EC2/TorClient", "CryptoCurrency:EC2/BitcoinTool.B!DNS"])
        // EventBridge → CloudWatch Logs → Firehose: the event is the log event's message.
        let payload = CloudWatchLogsTests.payload(logGroup: "/aws/events/guardduty", messages: [Self.event(Self.finding())])
        let viaLogs = try RecordDecoder().decode(record: payload, index: 0)
        #expect(Self.findings(viaLogs).map(\.instanceID) == ["i-0123456789abcdef0"])
    }
}
