import FirebreakAWS
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakResponse

/// Aggregated findings in the shared table of `moto_server` (signature checking on): a delivery counted once
/// however often it is replayed, first/last seen as min/max whatever the order, a finding put once by racing tasks.
@Suite(.serialized, .motoServer)
struct DynamoDBFindingTableTests {
    let findings: DynamoDBFindingTable
    let dynamo: DynamoDBClient
    let now = Date(timeIntervalSince1970: 1_764_840_000)

    init() throws {
        let moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        dynamo = try moto.stateTable()
        findings = DynamoDBFindingTable(dynamo: dynamo, table: "firebreak-state")
    }

    private func row(_ id: String, first: Int64 = 1_000, last: Int64 = 2_000, count: Int = 3) -> StoredFinding {
        StoredFinding(id: id, ruleID: "dfd8ecc8-bff6-4a46-9f3b-cd868b796a9f", title: "Instance Outbound Traffic Rejected",
                      level: "high", timeMillis: first, resourceType: "instance", resourceID: "i-0abc", json: #"{"id":"\#(id)"}"#,
                      count: count, firstSeenMillis: first, lastSeenMillis: last, samples: [#"{"n":1}"#, #"{"n":2}"#],
                      windowEndMillis: 3_600_000)
    }

    @Test func aNewFindingIsPutOnceAndReadBackWhole() throws {
        #expect(try findings.insert(row("f1"), requestID: "r1", now: now, maxSamples: 5))
        #expect(try !findings.insert(row("f1"), requestID: "r2", now: now, maxSamples: 5))
        let stored = try #require(try findings.finding("f1"))
        #expect(stored == row("f1"))
        #expect(try findings.finding("absent") == nil)
        // Samples beyond the limit are not stored.
        #expect(try findings.insert(row("f2"), requestID: "r1", now: now, maxSamples: 1))
        #expect(try findings.finding("f2")?.samples == [#"{"n":1}"#])
    }

    @Test func aDeliveryIsCountedOnceHoweverOftenItIsReplayed() throws {
        _ = try findings.insert(row("f1"), requestID: "r1", now: now, maxSamples: 5)
        #expect(try findings.count("f1", requestID: "r1", matches: 3, firstSeenMillis: 1_000, lastSeenMillis: 2_000) == .alreadyCounted(insertedByThisDelivery: true))
        #expect(try findings.count("f1", requestID: "r2", matches: 4, firstSeenMillis: 2_500, lastSeenMillis: 3_000) == .counted(samples: 2))
        #expect(try findings.count("f1", requestID: "r2", matches: 4, firstSeenMillis: 2_500, lastSeenMillis: 3_000) == .alreadyCounted(insertedByThisDelivery: false))
        let stored = try #require(try findings.finding("f1"))
        #expect(stored.count == 7)
        #expect(stored.firstSeenMillis == 1_000 && stored.lastSeenMillis == 3_000)
        #expect(try findings.count("absent", requestID: "r2", matches: 1, firstSeenMillis: 1, lastSeenMillis: 1) == .missing)
    }

    /// A late delivery (Firehose retried it for an hour) moves first seen back and leaves last seen alone.
    @Test func firstAndLastSeenAreMinAndMaxInAnyOrder() throws {
        _ = try findings.insert(row("f1", first: 5_000, last: 6_000, count: 1), requestID: "r1", now: now, maxSamples: 5)
        #expect(try findings.count("f1", requestID: "late", matches: 2, firstSeenMillis: 1_000, lastSeenMillis: 5_500) == .counted(samples: 2))
        #expect(try findings.count("f1", requestID: "wide", matches: 1, firstSeenMillis: 500, lastSeenMillis: 9_000) == .counted(samples: 2))
        let stored = try #require(try findings.finding("f1"))
        #expect(stored.count == 4)
        #expect(stored.firstSeenMillis == 500 && stored.lastSeenMillis == 9_000)
    }

    /// Two tasks counting different deliveries into one finding at once: every match counted.
    @Test func concurrentDeliveriesAreAllCounted() async throws {
        _ = try findings.insert(row("f1", count: 1), requestID: "r0", now: now, maxSamples: 5)
        let table = findings
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for n in 0..<5 {
                        let first = Int64(1_000 + (n * 7 + task * 13) % 50)
                        _ = try table.count("f1", requestID: "t\(task)-\(n)", matches: 2, firstSeenMillis: first,
                                            lastSeenMillis: first + 100)
                    }
                }
            }
            try await group.waitForAll()
        }
        let stored = try #require(try findings.finding("f1"))
        #expect(stored.count == 1 + 4 * 5 * 2)
    }

    @Test func samplesAreAddedUpToTheLimitAndAStaleAddIsDropped() throws {
        _ = try findings.insert(row("f1"), requestID: "r1", now: now, maxSamples: 5)
        try findings.addSamples("f1", [#"{"n":3}"#, #"{"n":4}"#, #"{"n":5}"#, #"{"n":6}"#], held: 2, maxSamples: 4)
        #expect(try findings.finding("f1")?.samples == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#, #"{"n":4}"#])
        // Another task added first: this one read 2 and is dropped.
        try findings.addSamples("f1", [#"{"n":9}"#], held: 2, maxSamples: 8)
        #expect(try findings.finding("f1")?.samples.count == 4)
    }

    @Test func anItemMissingAColumnIsACorruptRow() throws {
        try dynamo.putItem(table: "firebreak-state", item: ["pk": .string("finding#bad"), "sk": .string("-"), "count": .integer(1)])
        #expect(throws: StoreError.self) { try findings.finding("bad") }
    }
}
