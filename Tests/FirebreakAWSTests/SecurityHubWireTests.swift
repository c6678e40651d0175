import Foundation
import Testing
@testable import FirebreakAWS

/// The Security Hub client's wire contract without a server: REST-JSON requests to `/findings/import` and `/findings`,
/// the batch limits checked before sending, the answer and the errors as Security Hub sends them.
@Suite struct SecurityHubWireTests {
    private func hub(_ transport: ScriptedTransport, endpoint: String = "http://127.0.0.1:1/") -> SecurityHubClient {
        SecurityHubClient(client: AWSClient(
            endpoint: URL(string: endpoint)!, region: "us-east-1", signingName: SecurityHubClient.signingName,
            credentials: StaticCredentials(), transport: transport,
            retryPolicy: RetryPolicy(baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))))
    }

    private func finding(_ id: String, padding: Int = 0) -> String {
        #"{"Id":"\#(id)","Title":"t","Pad":"\#(String(repeating: "x", count: padding))"}"#
    }

    /// The AWS error `body` throws; nil when it throws none (or another error, which fails the expectation).
    private func error(_ body: () throws -> Void) -> AWSError? {
        do { try body() } catch { return error as? AWSError }
        return nil
    }

    @Test func importPostsTheFindingsAsTheyAreToFindingsImport() throws {
        let transport = ScriptedTransport([.respond(200, #"{"FailedCount":0,"FailedFindings":[],"SuccessCount":2}"#)])
        let result = try hub(transport).batchImportFindings([finding("a"), #"{ "Id" : "b" }"#])
        #expect(result == SecurityHubImportResult(successCount: 2))
        let sent = try #require(transport.sent.first)
        #expect(sent.method == "POST")
        #expect(sent.url.absoluteString == "http://127.0.0.1:1/findings/import")
        #expect(sent.header("Content-Type") == "application/json")
        #expect(sent.header("X-Amz-Target") == nil)
        #expect(sent.header("Authorization")?.contains("/us-east-1/securityhub/aws4_request") == true)
        #expect(String(decoding: sent.body, as: UTF8.self)
            == #"{"Findings":[{"Id":"a","Title":"t","Pad":""},{ "Id" : "b" }]}"#)
        // The upsert is sent like any other call, on a connection that may be reused.
        #expect(!sent.freshConnection)
    }

    @Test func aBasePathOfTheEndpointIsKept() throws {
        let transport = ScriptedTransport([.respond(200, #"{"SuccessCount":1}"#)])
        _ = try hub(transport, endpoint: "https://proxy.example/securityhub").batchImportFindings([finding("a")])
        #expect(transport.sent.first?.url.absoluteString == "https://proxy.example/securityhub/findings/import")
        #expect(throws: AWSError.self) { try hub(transport).client.url(path: "findings") }
    }

    @Test func failedFindingsComeBackPerFinding() throws {
        let transport = ScriptedTransport([.respond(200, """
            {"FailedCount":1,"SuccessCount":1,"FailedFindings":[{"Id":"b","ErrorCode":"InvalidInput",
             "ErrorMessage":"Finding does not adhere to Amazon Finding Format. data.Resources should NOT have fewer than 1 items"}]}
            """)])
        let result = try hub(transport).batchImportFindings([finding("a"), finding("b")])
        #expect(result.successCount == 1)
        #expect(result.failedCount == 1)
        #expect(result.failures.first?.id == "b")
        #expect(result.failures.first?.errorCode == "InvalidInput")
        #expect(result.failures.first?.errorMessage.contains("Resources") == true)
    }

    @Test func batchesOverTheLimitsAreRefusedBeforeAnyCall() {
        let transport = ScriptedTransport([.respond(200, #"{"SuccessCount":0}"#)])
        let client = hub(transport)
        let tooMany = (0...SecurityHubClient.maxFindingsPerImport).map { finding("f\($0)") }
        #expect(tooMany.count == 101)
        let countError = error { _ = try client.batchImportFindings(tooMany) }
        #expect(countError?.kind == .invalidParameter)
        #expect(countError?.message.contains("at most 100 findings") == true)

        let big = finding("big", padding: SecurityHubClient.maxFindingBytes)
        let sizeError = error { _ = try client.batchImportFindings([finding("a"), big]) }
        #expect(sizeError?.kind == .invalidParameter)
        #expect(sizeError?.message.contains("finding 2") == true && sizeError?.message.contains("240 KB") == true)

        // 27 findings of 230 KB each are within the per-finding limit, but not within 6 MB together.
        let large = (0..<27).map { finding("l\($0)", padding: 230 * 1024) }
        let bodyError = error { _ = try client.batchImportFindings(large) }
        #expect(bodyError?.kind == .invalidParameter)
        #expect(bodyError?.message.contains("6 MB") == true)

        #expect(error { _ = try client.batchImportFindings([]) }?.kind == .invalidParameter)
        #expect(error { _ = try client.batchImportFindings(["not json"]) }?.kind == .invalidParameter)
        #expect(error { _ = try client.batchImportFindings(["[1]"]) }?.kind == .invalidParameter)
        #expect(error { _ = try client.batchImportFindings([#"{"Id":"a"},{"Id":"b"}"#]) }?.kind == .invalidParameter)
        #expect(transport.sent.isEmpty)

        // At the limits exactly: 100 findings, one of 240 KB.
        let exact = finding("e", padding: 0)
        let padded = finding("p", padding: SecurityHubClient.maxFindingBytes - exact.utf8.count)
        #expect(padded.utf8.count == SecurityHubClient.maxFindingBytes)
        #expect(throws: Never.self) {
            _ = try SecurityHubClient.importBody([padded] + (1..<100).map { finding("f\($0)") })
        }
    }

    @Test func theUpsertIsRetriedAfterAServerError() throws {
        let transport = ScriptedTransport([
            .respond(500, #"{"Code":"InternalException","Message":"try again"}"#),
            .respond(200, #"{"SuccessCount":1,"FailedCount":0}"#),
        ])
        #expect(try hub(transport).batchImportFindings([finding("a")]).successCount == 1)
        #expect(transport.sent.count == 2)
        #expect(transport.sent.map(\.body) == [transport.sent[0].body, transport.sent[0].body])
    }

    @Test func securityHubErrorsAreClassified() {
        func failure(_ status: Int, _ body: String, _ headers: [(name: String, value: String)] = []) -> AWSError? {
            let transport = ScriptedTransport([.respond(status, body, headers)])
            return error { _ = try hub(transport).batchImportFindings([finding("a")]) }
        }
        let invalid = failure(400, #"{"Code":"InvalidInputException","Message":"Invalid ProductArn"}"#,
                              [("X-Amzn-ErrorType", "InvalidInputException:http://internal.amazon.com/coral/com.amazonaws.securityhub/"),
                               ("x-amzn-RequestId", "r-1")])
        #expect(invalid == AWSError(.invalidParameter, code: "InvalidInputException", message: "Invalid ProductArn",
                                    requestID: "r-1", status: 400))
        // The body's Code alone, and the header alone.
        #expect(failure(400, #"{"Code":"InvalidInputException","Message":"m"}"#)?.code == "InvalidInputException")
        let access = failure(401, #"{"Message":"Account 111122223333 is not subscribed to AWS Security Hub"}"#,
                             [("X-Amzn-ErrorType", "InvalidAccessException")])
        #expect(access?.kind == .accessDenied && access?.code == "InvalidAccessException")
        #expect(failure(429, #"{"Code":"LimitExceededException","Message":"Rate exceeded"}"#)?.kind == .throttled)
        #expect(failure(403, #"{"Code":"AccessDeniedException","Message":"no"}"#)?.kind == .accessDenied)
        #expect(failure(200, "not json")?.code == "MalformedResponse")
    }

    @Test func getFindingsFiltersOnTheIdsAndReadsEveryPage() throws {
        let transport = ScriptedTransport([
            .respond(200, """
                {"Findings":[{"Id":"firebreak/a","ProductArn":"arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default",
                 "AwsAccountId":"111122223333","Title":"A","UpdatedAt":"2026-05-01T12:00:00.000Z","Types":["TTPs"]},
                 {"Id":"other","Title":"not asked for"}],"NextToken":"page-2"}
                """),
            .respond(200, #"{"Findings":[{"Id":"firebreak/b","Title":"B"}]}"#),
        ])
        let found = try hub(transport).getFindings(ids: ["firebreak/a", "firebreak/b"])
        #expect(found.map(\.id) == ["firebreak/a", "firebreak/b"])
        #expect(found.first?.awsAccountId == "111122223333")
        #expect(found.first?.title == "A")
        #expect(found.first?.updatedAt == "2026-05-01T12:00:00.000Z")
        #expect(found.first?.json.hasPrefix(#"{"AwsAccountId":"111122223333","Id":"firebreak/a""#) == true)
        #expect(transport.sent.count == 2)
        let first = try #require(transport.sent.first)
        #expect(first.method == "POST" && first.url.path == "/findings")
        #expect(first.header("Content-Type") == "application/json")
        #expect(String(decoding: first.body, as: UTF8.self) == #"{"Filters":{"Id":[{"Comparison":"EQUALS","Value":"firebreak/a"},"#
            + #"{"Comparison":"EQUALS","Value":"firebreak/b"}]},"MaxResults":100}"#)
        #expect(String(decoding: transport.sent[1].body, as: UTF8.self).contains(#""NextToken":"page-2""#))

        let lookups = ScriptedTransport([.respond(200, #"{"Findings":[]}"#)])
        #expect(error { _ = try hub(lookups).getFindings(ids: []) }?.kind == .invalidParameter)
        #expect(error { _ = try hub(lookups).getFindings(ids: (0...20).map { "f\($0)" }) }?.kind == .invalidParameter)
        #expect(lookups.sent.isEmpty)
        let malformed = ScriptedTransport([.respond(200, #"{"Findings":{}}"#)])
        #expect(error { _ = try hub(malformed).getFindings(ids: ["a"]) }?.code == "MalformedResponse")
    }
}
