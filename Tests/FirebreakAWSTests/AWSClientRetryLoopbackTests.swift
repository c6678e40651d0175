import FirebreakHTTP
import Foundation
import Testing
@testable import FirebreakAWS

/// The retrying client through the real libcurl transport against FirebreakHTTP servers on 127.0.0.1.
@Suite struct AWSClientRetryLoopbackTests {
    private func client(_ server: LoopbackServer, retry: RetryPolicy) -> EC2Client {
        EC2Client(client: AWSClient(endpoint: server.url("/"), region: "us-east-1", signingName: "ec2",
                                    credentials: StaticCredentials(), transport: CurlTransport(), retryPolicy: retry))
    }

    private static func xml(_ status: Int, _ body: String) -> HTTPResponse {
        var response = HTTPResponse(status: status, body: Array(body.utf8))
        response.headers.add("Content-Type", "text/xml")
        return response
    }

    @Test func throttledTwiceThenSucceeds() throws {
        let attempts = Recorder<String>()
        let server = try LoopbackServer { router in
            router.route("POST", "/") { request, respond in
                attempts.append(request.headers["Authorization"] ?? "")
                if attempts.count <= 2 {
                    respond(Self.xml(503, ec2ErrorXML("RequestLimitExceeded", "Request limit exceeded.")))
                } else {
                    respond(Self.xml(200, ec2XML("CreateTags", "<return>true</return>")))
                }
            }
        }
        defer { server.stop() }
        let ec2 = client(server, retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(20)))
        try ec2.createTags(resourceIds: ["i-1"], tags: [EC2Tag(key: "k", value: "v")])
        #expect(attempts.count == 3)
        #expect(attempts.all.allSatisfy { $0.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") })
    }

    @Test func throttlingOutlastingTheAttemptsSurfacesAsThrottled() throws {
        let attempts = Recorder<Int>()
        let server = try LoopbackServer { router in
            router.route("POST", "/") { _, respond in
                attempts.append(1)
                respond(Self.xml(429, ""))
            }
        }
        defer { server.stop() }
        var caught: AWSError?
        do {
            try client(server, retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5)))
                .createTags(resourceIds: ["i-1"], tags: [])
        } catch { caught = error }
        #expect(caught?.kind == .throttled)
        #expect(caught?.status == 429)
        #expect(attempts.count == 3)
    }

    @Test func aServerThatNeverAnswersEndsAtTheDeadline() throws {
        let attempts = Recorder<Int>()
        let server = try LoopbackServer { router in
            router.route("POST", "/") { _, _ in attempts.append(1) }   // never responds
        }
        defer { server.stop() }
        let start = ContinuousClock.now
        var caught: AWSError?
        do {
            try client(server, retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10), deadline: .seconds(1)))
                .createTags(resourceIds: ["i-1"], tags: [])
        } catch { caught = error }
        let elapsed = ContinuousClock.now - start
        #expect(caught?.kind == .transport)
        #expect(elapsed >= .milliseconds(900))
        #expect(elapsed < .seconds(3))
        #expect(attempts.count >= 1)
    }

    @Test func aClientErrorIsNotRetried() throws {
        let attempts = Recorder<Int>()
        let server = try LoopbackServer { router in
            router.route("POST", "/") { _, respond in
                attempts.append(1)
                respond(Self.xml(400, ec2ErrorXML("InvalidParameterValue", "Value (x) for parameter groupId is invalid.")))
            }
        }
        defer { server.stop() }
        var caught: AWSError?
        do {
            try client(server, retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(5)))
                .modifyInstanceAttribute(instanceId: "i-1", .groups(["x"]))
        } catch { caught = error }
        #expect(caught == AWSError(.invalidParameter, code: "InvalidParameterValue",
                                   message: "Value (x) for parameter groupId is invalid.", requestID: "req-1", status: 400))
        #expect(attempts.count == 1)
    }

    @Test func connectionRefusedIsRetriedThenTransport() {
        let endpoint = URL(string: "http://127.0.0.1:\(closedLoopbackPort())/")!
        let client = AWSClient(endpoint: endpoint, region: "us-east-1", signingName: "ec2",
                               credentials: StaticCredentials(), transport: CurlTransport(),
                               retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5)))
        var caught: AWSError?
        do { _ = try client.query(EC2Client.request("DescribeInstances")) } catch { caught = error }
        #expect(caught?.kind == .transport)
    }
}
