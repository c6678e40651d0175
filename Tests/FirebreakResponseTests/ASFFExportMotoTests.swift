import FirebreakAWS
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakResponse

/// Findings of the rule pack rendered as ASFF and imported into moto's Security Hub: a later export of the same
/// finding (more matches) updates it in place.
@Suite(.serialized, .motoServer)
struct ASFFExportMotoTests {
    let moto: MotoServer
    let hub: SecurityHubClient

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        hub = SecurityHubClient(client: moto.client(signingName: SecurityHubClient.signingName))
    }

    private func stored(_ line: String, count: Int) throws -> StoredFinding {
        let finding = try Fixtures.finding(Fixtures.knownBad, flow: line)
        return StoredFinding(id: finding.id, ruleID: finding.ruleID, title: finding.ruleTitle, level: finding.level.rawValue,
                             timeMillis: finding.timeMillis, resourceType: "instance", resourceID: "i-0123456789abcdef0",
                             json: finding.jsonValue().serialized(), count: count)
    }

    @Test func aReexportUpdatesTheImportedFinding() throws {
        // The flow lines' account is moto's, so moto's caller is the finding's account.
        let first = try stored(Fixtures.flowLine(destination: "203.0.113.66", port: 443, action: "ACCEPT"), count: 1)
        let other = try stored(Fixtures.flowLine(instance: "i-0fedcba9876543210", destination: "203.0.113.66", port: 443,
                                                 action: "ACCEPT"), count: 1)
        let context = ASFFFinding.Context(ownAccountID: "123456789012", region: moto.region, nowMillis: 1_777_636_800_000)
        let exported = try [first, other].map { try ASFFFinding($0, context: context) }
        #expect(Set(exported.map(\.awsAccountID)) == ["123456789012"])
        #expect(try hub.batchImportFindings(exported.map(\.json)) == SecurityHubImportResult(successCount: 2))

        var again = first
        again.count = 9
        let later = ASFFFinding.Context(ownAccountID: "123456789012", region: moto.region, nowMillis: 1_777_636_860_000)
        #expect(try hub.batchImportFindings([try ASFFFinding(again, context: later).json]).successCount == 1)

        let found = try hub.getFindings(ids: exported.map(\.id))
        #expect(found.count == 2)
        let updated = try #require(found.first { $0.id == exported[0].id })
        #expect(updated.updatedAt == "2026-05-01T12:01:00.000Z")
        #expect(updated.productArn == "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default")
        #expect(updated.json.contains(#""firebreak/Count":"9""#))
        #expect(found.first { $0.id == exported[1].id }?.json.contains(#""firebreak/Count":"1""#) == true)
    }
}
