import Foundation
import Testing
@testable import FirebreakAWS

@Suite struct AWSClientTests {
    private let ok = ScriptedTransport.Step.respond(200, ec2XML("CreateTags", "<return>true</return>"))

    @Test func signsWithRegionAndSigningNameAndSendsTheFormBody() throws {
        let transport = ScriptedTransport([ok])
        var request = EC2Client.request("CreateTags")
        request.add("ResourceId.1", "i-1")
        let root = try makeClient(transport).query(request)
        #expect(root.name == "CreateTagsResponse")
        let sent = try #require(transport.sent.first)
        #expect(sent.method == "POST")
        #expect(sent.url.absoluteString == "http://127.0.0.1:1/")
        #expect(sent.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(String(decoding: sent.body, as: UTF8.self) == "Action=CreateTags&Version=2016-11-15&ResourceId.1=i-1")
        let authorization = try #require(sent.header("Authorization"))
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"))
        #expect(authorization.contains("/us-east-1/ec2/aws4_request"))
        #expect(!authorization.contains("secret"))
        #expect(sent.header("X-Amz-Date") != nil)
    }

    @Test func retriesThrottlingThenSucceeds() throws {
        let transport = ScriptedTransport([
            .respond(503, ec2ErrorXML("RequestLimitExceeded")), .respond(429, ""), ok,
        ])
        _ = try makeClient(transport).query(EC2Client.request("CreateTags"))
        #expect(transport.sent.count == 3)
        // Each attempt is signed afresh.
        #expect(transport.sent.allSatisfy { $0.header("Authorization") != nil })
    }

    @Test func retriesServerAndTransportErrorsOfReadsUpToMaxAttempts() {
        let transport = ScriptedTransport([.respond(500, ec2ErrorXML("InternalError")),
                                           .fail(AWSError(.transport, message: "connection refused"))])
        #expect(throws: AWSError(.transport, message: "connection refused")) {
            try makeClient(transport).query(EC2Client.request("DescribeInstances"))
        }
        #expect(transport.sent.count == 4)
    }

    /// A call that changes the account is repeated only when AWS certainly did not carry it out: after a 5xx
    /// or a connection that broke after sending, it may have been, and a repeat could double its effect.
    @Test func changingCallsAreRetriedOnlyWhenAWSDidNotCarryThemOut() {
        for action in ["CreateTags", "TerminateInstances", "CreateSnapshots", "RevokeSecurityGroupIngress"] {
            let server = ScriptedTransport([.respond(500, ec2ErrorXML("InternalError")), ok])
            #expect(throws: AWSError.self) { try makeClient(server).query(EC2Client.request(action)) }
            #expect(server.sent.count == 1, "\(action) repeated after a 5xx")

            var sentThenBroke = AWSError(.transport, message: "connection reset")
            sentThenBroke.requestNotSent = false
            let broken = ScriptedTransport([.fail(sentThenBroke), ok])
            #expect(throws: AWSError.self) { try makeClient(broken).query(EC2Client.request(action)) }
            #expect(broken.sent.count == 1, "\(action) repeated after the request may have arrived")

            var refused = AWSError(.transport, message: "connection refused")
            refused.requestNotSent = true
            let notSent = ScriptedTransport([.fail(refused), ok])
            _ = try? makeClient(notSent).query(EC2Client.request(action))
            #expect(notSent.sent.count == 2, "\(action) not retried although it was never sent")

            let throttled = ScriptedTransport([.respond(503, ec2ErrorXML("RequestLimitExceeded")), ok])
            _ = try? makeClient(throttled).query(EC2Client.request(action))
            #expect(throttled.sent.count == 2, "\(action) not retried after throttling")
        }
        // A FIFO Publish carries its own deduplication: SNS drops the repeat, so it is retried.
        var publish = SNSClient.request("Publish")
        publish.add("MessageDeduplicationId", "action-1")
        #expect(!publish.changesAccount)
        #expect(SNSClient.request("Publish").changesAccount)
        #expect(!EC2Client.request("DescribeSnapshots").changesAccount)
    }

    @Test func clientErrorsAreNotRetried() {
        for code in ["InvalidParameterValue", "UnauthorizedOperation", "InvalidInstanceID.NotFound", "DryRunOperation",
                     "IncorrectInstanceState"] {
            let transport = ScriptedTransport([.respond(400, ec2ErrorXML(code)), ok])
            #expect(throws: AWSError.self) { try makeClient(transport).query(EC2Client.request("CreateTags")) }
            #expect(transport.sent.count == 1, "\(code)")
        }
    }

    @Test func neverSleepsPastTheDeadline() {
        let transport = ScriptedTransport([.respond(503, ec2ErrorXML("RequestLimitExceeded"))])
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .seconds(2), maxDelay: .seconds(5), deadline: .milliseconds(300))
        let start = ContinuousClock.now
        var caught: AWSError?
        do { _ = try makeClient(transport, retry: policy).query(EC2Client.request("CreateTags")) } catch { caught = error }
        #expect(caught?.kind == .throttled)
        #expect(ContinuousClock.now - start < .milliseconds(400))
        #expect(transport.sent.count < 10)
    }

    @Test func attemptTimeoutsAreCutToTheDeadline() throws {
        let transport = ScriptedTransport([ok])
        let client = AWSClient(endpoint: URL(string: "http://127.0.0.1:1/")!, region: "us-east-1", signingName: "ec2",
                               credentials: StaticCredentials(), transport: transport,
                               retryPolicy: RetryPolicy(deadline: .seconds(2)),
                               timeouts: AWSTimeouts(connect: .seconds(3), total: .seconds(15)))
        _ = try client.query(EC2Client.request("CreateTags"))
        let limits = try #require(transport.timeouts.first)
        #expect(limits.total <= .seconds(2))
        #expect(limits.connect <= limits.total)
    }

    @Test func credentialFailuresAreNotRetried() {
        struct Failing: CredentialProvider {
            func credentials() throws(AWSError) -> AWSCredentials { throw AWSError(.credentials, message: "none") }
        }
        let transport = ScriptedTransport([ok])
        let client = AWSClient(endpoint: URL(string: "http://127.0.0.1:1/")!, region: "us-east-1", signingName: "ec2",
                               credentials: Failing(), transport: transport)
        #expect(throws: AWSError(.credentials, message: "none")) { try client.query(EC2Client.request("CreateTags")) }
        #expect(transport.sent.isEmpty)
    }

    @Test func aSuccessThatIsNotXMLIsAnErrorNotRetried() {
        let transport = ScriptedTransport([.respond(200, "<html>"), ok])
        var caught: AWSError?
        do { _ = try makeClient(transport).query(EC2Client.request("CreateTags")) } catch { caught = error }
        #expect(caught?.code == "MalformedResponse")
        #expect(transport.sent.count == 1)
    }

    @Test func jsonCallsSendTheTargetAndDecodeErrors() throws {
        let transport = ScriptedTransport([
            .respond(400, #"{"__type":"TrailNotFoundException","message":"Unknown trail: t"}"#),
            .respond(200, #"{"IsLogging":true,"StartLoggingTime":1700000000.5}"#),
        ])
        let cloudTrail = CloudTrailClient(client: makeClient(transport, service: "cloudtrail"))
        var caught: AWSError?
        do { _ = try cloudTrail.getTrailStatus(name: "t") } catch { caught = error }
        #expect(caught?.kind == .notFound)
        #expect(caught?.code == "TrailNotFoundException")
        let status = try cloudTrail.getTrailStatus(name: "t")
        #expect(status.isLogging)
        #expect(status.startLoggingTime == Date(timeIntervalSince1970: 1_700_000_000.5))
        let sent = try #require(transport.sent.last)
        #expect(sent.header("X-Amz-Target") == "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrailStatus")
        #expect(sent.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(String(decoding: sent.body, as: UTF8.self) == #"{"Name":"t"}"#)
        #expect(sent.header("Authorization")?.contains("/us-east-1/cloudtrail/aws4_request") == true)
    }
}
