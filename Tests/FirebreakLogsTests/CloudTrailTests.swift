import Testing
@testable import FirebreakLogs

@Suite struct CloudTrailTests {
    static let authorizeIngress = #"""
    {"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEID:deploy","arn":"arn:aws:sts::123456789012:assumed-role/Deploy/deploy","accountId":"123456789012","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEID","arn":"arn:aws:iam::123456789012:role/Deploy","accountId":"123456789012","userName":"Deploy"},"webIdFederationData":{},"attributes":{"creationDate":"2026-01-01T10:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2026-01-01T10:05:00Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.0","requestParameters":{"groupId":"sg-0abc1234","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0","description":"ssh from anywhere"}]},"ipv6Ranges":{"items":[{"cidrIpv6":"::/0"}]},"prefixListIds":{}},{"ipProtocol":"-1","groups":{},"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"},{"cidrIp":"192.0.2.0/24"}]},"ipv6Ranges":{},"prefixListIds":{}}]}},"responseElements":{"requestId":"8f3b","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"123456789012","groupId":"sg-0abc1234","securityGroupRuleId":"sgr-01","isEgress":false,"ipProtocol":"tcp","fromPort":22,"toPort":22,"cidrIpv4":"0.0.0.0/0"}]}},"requestID":"8f3b","eventID":"5a1e1c5e-0000-4000-8000-000000000001","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}
    """#

    static let consoleLogin = #"""
    {"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"123456789012","arn":"arn:aws:iam::123456789012:root","accountId":"123456789012","accessKeyId":""},"eventTime":"2026-01-01T09:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"No"},"eventID":"5a1e1c5e-0000-4000-8000-000000000002","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}
    """#

    static let stopLogging = #"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/mallory","accountId":"123456789012","userName":"mallory"},"eventTime":"2026-01-01T11:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.66","requestParameters":{"name":"management-trail"},"responseElements":null,"errorCode":"AccessDenied","errorMessage":"not allowed","eventID":"5a1e1c5e-0000-4000-8000-000000000003","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"123456789012"}"#

    func checkAuthorize(_ r: CloudTrailRecord) {
        #expect(r.eventName == "AuthorizeSecurityGroupIngress")
        #expect(r.eventSource == "ec2.amazonaws.com")
        #expect(r.eventTime == "2026-01-01T10:05:00Z")
        #expect(r.eventID == "5a1e1c5e-0000-4000-8000-000000000001")
        #expect(r.awsRegion == "us-east-1")
        #expect(r.recipientAccountId == "123456789012")
        #expect(r.sourceIPAddress == "198.51.100.23")
        #expect(r.userIdentityType == "AssumedRole")
        #expect(r.userIdentityARN == "arn:aws:sts::123456789012:assumed-role/Deploy/deploy")
        #expect(r.errorCode == nil)
        #expect(r.readOnly == false)
        #expect(r.value(at: "userIdentity.type") == .string("AssumedRole"))
        #expect(r.value(at: ["userIdentity", "sessionContext", "attributes", "mfaAuthenticated"]) == .string("false"))
        #expect(r.value(at: "requestParameters.ipPermissions.items")?.arrayValue?.count == 2)
        #expect(r.values(at: "requestParameters.ipPermissions.items.ipRanges.items.cidrIp")
                == [.string("0.0.0.0/0"), .string("10.0.0.0/8"), .string("192.0.2.0/24")])
        #expect(r.values(at: "requestParameters.ipPermissions.items.ipv6Ranges.items.cidrIpv6") == [.string("::/0")])
        #expect(r.values(at: "requestParameters.ipPermissions.items.fromPort") == [.int(22)])
        #expect(r.value(at: "responseElements.securityGroupRuleSet.items.cidrIpv4") == .string("0.0.0.0/0"))
    }

    @Test func bareRecord() throws {
        let result = try RecordDecoder().decode(record: Array(Self.authorizeIngress.utf8), index: 4)
        #expect(result.issues.isEmpty)
        let records = result.cloudTrailRecords
        #expect(records.count == 1)
        #expect(records[0].envelope == .bare)
        checkAuthorize(records[0])
        #expect(result.events[0].context == LogContext(recordIndex: 4))
        let line = result.events[0].jsonLine()
        #expect(line.hasPrefix(#"{"type":"cloudtrail","recordIndex":4,"envelope":"bare","event":{"eventVersion":"1.09","#))
        // The serialized record parses back to the same JSON.
        let reparsed = try JSONParser().parse(line)
        #expect(reparsed["event"] == records[0].record)
    }

    @Test func cloudWatchLogsMessages() throws {
        let payload = CloudWatchLogsTests.payload(logGroup: "aws-cloudtrail-logs-123456789012",
                                                  messages: [Self.authorizeIngress, Self.stopLogging, "{\"not\":\"cloudtrail\"}"])
        let result = try RecordDecoder().decode(record: payload, index: 0)
        let records = result.cloudTrailRecords
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.envelope == .cloudWatchLogs })
        checkAuthorize(records[0])
        #expect(records[1].eventName == "StopLogging")
        #expect(records[1].errorCode == "AccessDenied")
        #expect(records[1].userIdentityType == "IAMUser")
        #expect(records[1].value(at: "requestParameters.name") == .string("management-trail"))
        #expect(result.events[1].context.logGroup == "aws-cloudtrail-logs-123456789012")
        #expect(result.events[1].context.cloudWatchEventID == "37480579458490841510417935670958911738223274529153351681")
        #expect(result.events[2].event.kind == .json)
    }

    @Test func eventBridgeEvents() throws {
        let event = #"{"version":"0","id":"6f2c1d2e-1111-2222-3333-444455556666","detail-type":"AWS Console Signin via CloudTrail","source":"aws.signin","account":"123456789012","time":"2026-01-01T09:00:00Z","region":"us-east-1","resources":[],"detail":\#(Self.consoleLogin)}"#
        let result = try RecordDecoder().decode(record: Array(event.utf8), index: 1)
        let records = result.cloudTrailRecords
        #expect(records.count == 1)
        let r = records[0]
        #expect(r.envelope == .eventBridge(detailType: "AWS Console Signin via CloudTrail"))
        #expect(r.eventBridgeEnvelope?["source"] == .string("aws.signin"))
        #expect(r.eventBridgeEnvelope?["id"] == .string("6f2c1d2e-1111-2222-3333-444455556666"))
        #expect(r.eventBridgeEnvelope?["detail"] == nil)
        #expect(r.eventName == "ConsoleLogin")
        #expect(r.userIdentityType == "Root")
        #expect(r.value(at: "responseElements.ConsoleLogin") == .string("Success"))
        #expect(r.value(at: "additionalEventData.MFAUsed") == .string("No"))
        #expect(r.value(at: "requestParameters") == .null)
        #expect(result.events[0].jsonLine().contains(#""envelope":"eventBridge","detailType":"AWS Console Signin via CloudTrail""#))

        let apiCall = #"{"version":"0","id":"x","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","account":"123456789012","time":"2026-01-01T10:05:00Z","region":"us-east-1","resources":[],"detail":\#(Self.authorizeIngress)}"#
        let api = try RecordDecoder().decode(record: Array(apiCall.utf8) + [0x0A], index: 0)
        #expect(api.cloudTrailRecords.count == 1)
        checkAuthorize(api.cloudTrailRecords[0])

        // Other EventBridge events are generic JSON; a CloudTrail detail-type without detail is an issue.
        let other = try RecordDecoder().decode(record: Array(#"{"detail-type":"EC2 Instance State-change Notification","detail":{"state":"running"}}"#.utf8), index: 0)
        #expect(other.events.map(\.event.kind) == [.json])
        let broken = try RecordDecoder().decode(record: Array(#"{"detail-type":"AWS API Call via CloudTrail","detail":"x"}"#.utf8), index: 0)
        #expect(broken.events.isEmpty && broken.issues.map(\.kind) == [.cloudTrail])
    }

    @Test func s3LogFileGzipped() throws {
        let file = "{\"Records\":[\(Self.authorizeIngress),\(Self.consoleLogin),\(Self.stopLogging),42]}"
        let gz = Gzip.compress(Array(file.utf8))
        for result in [try RecordDecoder().decode(record: gz, index: 0), try RecordDecoder().decodeFile(gz)] {
            let records = result.cloudTrailRecords
            #expect(records.count == 3)
            #expect(records.allSatisfy { $0.envelope == .s3File })
            checkAuthorize(records[0])
            #expect(records.map(\.eventName) == ["AuthorizeSecurityGroupIngress", "ConsoleLogin", "StopLogging"])
            #expect(result.issues.map(\.kind) == [.cloudTrail])  // the 42
            #expect(result.decompressedBytes == file.utf8.count)
        }
    }

    @Test func newlineDelimitedRecords() throws {
        let text = Self.authorizeIngress + "\n" + Self.stopLogging + "\n{broken\nplain text\n"
        let result = try RecordDecoder().decode(record: Array(text.utf8), index: 0)
        #expect(result.events.map(\.event.kind) == [.cloudTrail, .cloudTrail, .text])
        #expect(result.issues.map(\.kind) == [.json])
        #expect(result.issues.first?.line == 3)
    }
}
