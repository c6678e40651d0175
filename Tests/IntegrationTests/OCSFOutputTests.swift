import FirebreakTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `GET /findings?format=ocsf`, `firebreak findings --format ocsf` and `firebreak replay --format ocsf` on the real
/// binary: every finding is an OCSF Detection Finding valid against the OCSF 1.6.0 and 1.9.0-dev schema copies, and
/// the same findings as the JSON outputs list.
@Suite(.serialized) struct OCSFOutputTests {
    static let validators: [OCSFSchemaValidator] = ["1.6.0", "1.9.0-dev"].map {
        try! OCSFSchemaValidator(folder: FirehoseFixture.packageRoot.appendingPathComponent("Tests/Fixtures/ocsf-schema/\($0)"),
                                 className: "detection_finding", profiles: ["cloud"])
    }

    static func problems(_ event: OCSFJSON) -> [String] {
        validators.flatMap { validator in validator.problems(in: event).map { "\(validator.schema.version): \($0)" } }
    }

    /// JSON lines, each parsed.
    static func lines(_ text: String) throws -> [OCSFJSON] {
        try text.split(separator: "\n").map { try OCSFJSON(parsing: String($0)) }
    }

    static func uids(_ events: [OCSFJSON]) -> Set<String> {
        Set(events.compactMap { $0["finding_info"]?["uid"]?.stringValue })
    }

    /// The service after the attack delivery (a port scan and a world-open ingress rule), once the store lists its
    /// findings; with their ids as `GET /findings` (JSON) lists them.
    func attackedService() throws -> (service: ServiceProcess, ids: Set<String>) {
        let service = try ServiceProcess()
        let response = try FirehoseIntakeTests.post(try service.client(), requestID: "ocsf-1",
                                                    body: DetectionIntakeTests.attackDelivery(requestID: "ocsf-1"))
        FirehoseIntakeTests.expectContract(response, status: 200, requestID: "ocsf-1")
        var ids: Set<String> = []
        let deadline = Date().addingTimeInterval(10)
        repeat {
            let list = try service.adminClient().roundTrip(method: "GET", path: "/findings").json?["findings"] as? [[String: Any]] ?? []
            ids = Set(list.compactMap { $0["findingId"] as? String })
            if list.contains(where: { $0["ruleId"] as? String == DetectionIntakeTests.portScanRule })
                && list.contains(where: { $0["ruleId"] as? String == DetectionIntakeTests.worldOpenIngressRule }) { break }
            usleep(100_000)
        } while Date() < deadline
        return (service, ids)
    }

    @Test func findingsAPIListsValidOCSFDetectionFindings() throws {
        let (service, ids) = try attackedService()
        try #require(ids.count >= 2, "\(service.output.suffix(2000))")

        let response = try service.adminClient().roundTrip(method: "GET", path: "/findings?format=ocsf")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        let findings = try #require(try OCSFJSON(parsing: response.text)["findings"]?.arrayValue)
        #expect(Self.uids(findings) == ids, "the same findings as the JSON list")
        for finding in findings {
            #expect(Self.problems(finding) == [], "\(finding.text)")
            #expect(finding["class_uid"] == .int(2004) && finding["metadata"]?["version"] == .string("1.6.0"))
        }
        let scan = try #require(findings.first { $0["finding_info"]?["analytic"]?["uid"] == .string(DetectionIntakeTests.portScanRule) })
        #expect(scan["unmapped"]?["correlation"] != nil, "a correlation has no OCSF attribute")
        let ingress = try #require(findings.first { $0["finding_info"]?["analytic"]?["uid"] == .string(DetectionIntakeTests.worldOpenIngressRule) })
        #expect(ingress["resources"]?.arrayValue?.first?["uid"] == .string("sg-0abc"))
        #expect(ingress["cloud"]?["region"] == .string("us-east-1") && ingress["cloud"]?["account"]?["uid"] == .string("123456789012"))

        // Filters apply as for JSON; format=json is the default.
        let high = try OCSFJSON(parsing: service.adminClient().roundTrip(method: "GET", path: "/findings?format=ocsf&level=high").text)
        #expect(high["findings"]?.arrayValue?.map { $0["severity_id"] } == [.int(4)])
        let json = try service.adminClient().roundTrip(method: "GET", path: "/findings?format=json")
        #expect(Set((json.json?["findings"] as? [[String: Any]] ?? []).compactMap { $0["findingId"] as? String }) == ids)

        for bad in ["xml", "OCSF", ""] {
            let refused = try service.adminClient().roundTrip(method: "GET", path: "/findings?format=\(bad)")
            #expect(refused.status == 400, "format=\(bad)")
            #expect((refused.json?["error"] as? String)?.contains("format must be json (the default) or ocsf") == true, "\(refused.text)")
        }
        #expect(service.process.isRunning)
    }

    @Test func findingsCommandPrintsValidOCSFLines() throws {
        let (service, ids) = try attackedService()
        try #require(ids.count >= 2, "\(service.output.suffix(2000))")

        let list = try CommandResult.run(["findings", "--store", service.storePath, "--format", "ocsf"])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = try Self.lines(list.stdout)
        #expect(Self.uids(lines) == ids)
        for line in lines { #expect(Self.problems(line) == [], "\(line.text)") }

        let id = try #require(ids.sorted().first)
        let one = try CommandResult.run(["findings", "--store", service.storePath, "--id", id, "--format", "ocsf"])
        #expect(one.status == 0, "\(one.stderr)")
        let single = try Self.lines(one.stdout)
        #expect(single.count == 1 && Self.uids(single) == [id])
        #expect(single.allSatisfy { Self.problems($0) == [] })

        let conflicting = try CommandResult.run(["findings", "--store", service.storePath, "--json", "--format", "ocsf"])
        #expect(conflicting.status == 64, "\(conflicting.stderr)")
        #expect(conflicting.stderr.contains("--json and --format ocsf"))
        let unknown = try CommandResult.run(["findings", "--store", service.storePath, "--format", "yaml"])
        #expect(unknown.status == 64, "\(unknown.stderr)")
        let asJSON = try CommandResult.run(["findings", "--store", service.storePath, "--format", "json"])
        #expect(Set(try Self.lines(asJSON.stdout).compactMap { $0["findingId"]?.stringValue }) == ids)
    }

    @Test func replayPrintsValidOCSFLines() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fb-ocsf-\(UUID().uuidString).json")
        try Data(DetectionIntakeTests.attackDelivery(requestID: "ocsf-replay")).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let ocsf = try CommandResult.run(["replay", "--format", "ocsf", file.path])
        #expect(ocsf.status == 1, "replay exits 1 when it finds something: \(ocsf.stderr)")
        let lines = try Self.lines(ocsf.stdout)
        for line in lines { #expect(Self.problems(line) == [], "\(line.text)") }
        let json = try CommandResult.run(["replay", file.path])
        let ids = Set(try Self.lines(json.stdout).compactMap { $0["findingId"]?.stringValue })
        #expect(!ids.isEmpty && Self.uids(lines) == ids, "the same findings as the JSON lines")
    }

    /// Three matches of one rule on one ENI in one window: one line, an Update with count 3 and its window.
    @Test func replayMergedMatchesAreAnUpdate() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fb-ocsf-storm-\(UUID().uuidString).log")
        let lines = (0..<3).map { i in
            "2 123456789012 eni-0a1b2c3d 10.0.1.5 203.0.113.9 4000\(i) 444\(i) 6 1 40 17000000\(i)0 17000000\(i)9 REJECT OK"
        }
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let replay = try CommandResult.run(["replay", "--format", "ocsf", file.path])
        #expect(replay.status == 1, "\(replay.stderr)")
        let rejected = try Self.lines(replay.stdout).filter {
            $0["finding_info"]?["analytic"]?["uid"] == .string("dfd8ecc8-bff6-4a46-9f3b-cd868b796a9f")
        }
        try #require(rejected.count == 1, "\(replay.stdout)")
        let finding = rejected[0]
        #expect(Self.problems(finding) == [])
        #expect(finding["count"] == .int(3) && finding["activity_id"] == .int(2) && finding["type_uid"] == .int(200402))
        #expect(finding["start_time"] == .int(1_700_000_009_000))   // 2023-11-14T22:13:29.000Z, the JSON's firstSeen
        #expect(finding["end_time"] == .int(1_700_000_029_000) && finding["time"] == finding["end_time"])
        #expect(finding["resources"]?.arrayValue?.first?["uid"] == .string("eni-0a1b2c3d"))
    }
}
