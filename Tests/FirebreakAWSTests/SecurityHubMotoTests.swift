import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakAWS

/// Security Hub through the real signer and libcurl transport against `moto_server`, signature and IAM checking on:
/// BatchImportFindings is an upsert by `Id`, and GetFindings reads the findings back.
@Suite(.serialized, .motoServer)
struct SecurityHubMotoTests {
    let moto: MotoServer
    let hub: SecurityHubClient
    /// moto's account.
    let account = "123456789012"

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        hub = SecurityHubClient(client: moto.client(signingName: SecurityHubClient.signingName))
    }

    private func finding(_ id: String, title: String, resources: String? = nil) -> String {
        let resources = resources ?? #"[{"Type":"AwsEc2Instance","Id":"arn:aws:ec2:us-east-1:\#(account):instance/i-0abc","#
            + #""Partition":"aws","Region":"us-east-1"}]"#
        return #"{"SchemaVersion":"2018-10-08","Id":"\#(id)","#
            + #""ProductArn":"arn:aws:securityhub:us-east-1:\#(account):product/\#(account)/default","#
            + #""GeneratorId":"firebreak:rule-1","AwsAccountId":"\#(account)","Types":["TTPs/Defense Evasion"],"#
            + #""CreatedAt":"2026-05-01T12:00:00.000Z","UpdatedAt":"2026-05-01T12:00:00.000Z","Severity":{"Label":"HIGH"},"#
            + #""Title":"\#(title)","Description":"d","Resources":\#(resources)}"#
    }

    @Test func importingAFindingAgainUpdatesItInPlace() throws {
        let first = try hub.batchImportFindings([finding("firebreak/a", title: "A"), finding("firebreak/b", title: "B")])
        #expect(first == SecurityHubImportResult(successCount: 2))
        let again = try hub.batchImportFindings([finding("firebreak/b", title: "B, 5 times")])
        #expect(again == SecurityHubImportResult(successCount: 1))

        let found = try hub.getFindings(ids: ["firebreak/a", "firebreak/b"])
        #expect(found.count == 2)
        #expect(Set(found.map(\.id)) == ["firebreak/a", "firebreak/b"])
        #expect(found.first { $0.id == "firebreak/b" }?.title == "B, 5 times")
        #expect(found.first { $0.id == "firebreak/a" }?.title == "A")
        #expect(found.allSatisfy { $0.awsAccountId == account })
        #expect(found.first?.json.contains(#""SchemaVersion":"2018-10-08""#) == true)
        #expect(try hub.getFindings(ids: ["firebreak/none"]).isEmpty)
    }

    @Test func aFindingSecurityHubRefusesIsAFailureOfTheBatchNotAnError() throws {
        let result = try hub.batchImportFindings([finding("firebreak/ok", title: "ok"),
                                                  finding("firebreak/no-resource", title: "bad", resources: "[]")])
        #expect(result.successCount == 1)
        #expect(result.failures.map(\.id) == ["firebreak/no-resource"])
        #expect(result.failures.first?.errorCode.isEmpty == false)
        #expect(try hub.getFindings(ids: ["firebreak/ok", "firebreak/no-resource"]).map(\.id) == ["firebreak/ok"])
    }

    @Test func aBatchOf101IsRefusedBeforeAnyCall() throws {
        let before = moto.transport.count
        var caught: AWSError?
        do {
            _ = try hub.batchImportFindings((0...100).map { finding("firebreak/f\($0)", title: "f") })
        } catch { caught = error }
        #expect(caught?.kind == .invalidParameter)
        #expect(moto.transport.count == before)
        #expect(try hub.getFindings(ids: ["firebreak/f0"]).isEmpty)
    }

    @Test func aCallerMotoDoesNotKnowIsRefused() {
        let stranger = SecurityHubClient(client: moto.client(
            signingName: SecurityHubClient.signingName,
            credentials: AWSCredentials(accessKeyID: "AKIDSTRANGER", secretAccessKey: "nope")))
        var caught: AWSError?
        do { _ = try stranger.batchImportFindings([finding("firebreak/x", title: "x")]) } catch { caught = error }
        // moto answers its signature check with an XML body whatever the protocol: the status classifies it.
        #expect(caught?.kind == .accessDenied && caught?.status == 403)
    }
}
