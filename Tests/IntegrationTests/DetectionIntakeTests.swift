import FirebreakLogs
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Deliveries through the service's rule engine, and the same records through `firebreak replay`.
@Suite(.serialized) struct DetectionIntakeTests {
    static let portScanRule = "6769f0fa-30db-488e-bfc3-be3fd2df6c11"
    static let worldOpenIngressRule = "8b5216cc-2575-4e6c-b216-e30254a47e39"

    /// One source probing 25 ports of one instance within a minute, all REJECTed, plus a world-open
    /// ingress rule added through CloudTrail.
    static func attackDelivery(requestID: String) -> [UInt8] {
        let probes = (1...25).map { port in
            "2 123456789012 eni-0a1b2c3d4e5f60718 198.51.100.77 10.0.1.5 51514 \(port * 7) 6 1 44 1700000100 \(1700000100 + port) REJECT OK"
        }
        let flows = Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: probes))
        let trail = Gzip.compress(FirehoseFixture.cloudWatchPayload(logGroup: "aws-cloudtrail-logs-123456789012",
                                                                    logStream: "123456789012_CloudTrail_us-east-1",
                                                                    messages: [FirehoseFixture.cloudTrailRecord()], firstId: 500))
        return FirehoseFixture.body(requestID: requestID, records: [flows, trail])
    }

    static func findings(in text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return (object["finding"] as? [String: Any]) ?? (object["findingId"] != nil ? object : nil)
        }
    }

    @Test func deliveryWithPortScanAndOpenIngressProducesFindingsInLogAndMetrics() throws {
        let service = try ServiceProcess()
        let id = "attack-1"
        let response = try FirehoseIntakeTests.post(try service.client(), requestID: id, body: Self.attackDelivery(requestID: id))
        FirehoseIntakeTests.expectContract(response, status: 200, requestID: id)
        #expect(service.waitForLine(containing: Self.worldOpenIngressRule, timeout: 10) != nil)
        #expect(service.waitForLine(containing: Self.portScanRule, timeout: 10) != nil)

        let found = Self.findings(in: service.output)
        let scan = try #require(found.first { $0["ruleId"] as? String == Self.portScanRule })
        #expect(scan["level"] as? String == "medium")
        let groupBy = (scan["correlation"] as? [String: Any])?["groupBy"] as? [String: Any]
        #expect(groupBy?["srcaddr"] as? String == "198.51.100.77")
        let ingress = try #require(found.first { $0["ruleId"] as? String == Self.worldOpenIngressRule })
        #expect((ingress["resource"] as? [String: Any])?["securityGroupId"] as? String == "sg-0abc")

        let metrics = try service.adminClient().roundTrip(method: "GET", path: "/metrics").text
        #expect(metrics.contains("firebreak_findings_total{rule=\"\(Self.portScanRule)\",level=\"medium\"} 1"))
        #expect(metrics.contains("firebreak_findings_total{rule=\"\(Self.worldOpenIngressRule)\",level=\"high\"} 1"))
        #expect(metrics.contains("firebreak_rules_loaded "))

        // The same records as a file give the same findings through `firebreak replay`.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fb-replay-\(UUID().uuidString).json")
        try Data(Self.attackDelivery(requestID: id)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let replay = try CommandResult.run(["replay", file.path])
        #expect(replay.status == 1, "replay exits 1 when it finds something: \(replay.stderr)")
        let replayed = Self.findings(in: replay.stdout)
        let served = Set(found.compactMap { $0["findingId"] as? String })
        #expect(Set(replayed.compactMap { $0["findingId"] as? String }) == served)
    }

    /// A finding's first delivery logs it as JSON (`finding`); a later delivery's matches of it (same rule, ENI and
    /// window) are one `finding seen again` line with its id, rule and resource, and no JSON.
    @Test func aLaterDeliverysMatchesOfAKnownFindingAreLoggedByID() throws {
        let service = try ServiceProcess()
        let rejected = "dfd8ecc8-bff6-4a46-9f3b-cd868b796a9f"
        func delivery(_ id: String, at t: Int) -> [UInt8] {
            let line = "2 123456789012 eni-0a1b2c3d 10.0.1.5 203.0.113.9 40000 4444 6 1 40 \(t) \(t + 9) REJECT OK"
            return FirehoseFixture.body(requestID: id, records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: [line, line]))])
        }
        for (id, t) in [("known-1", 1_700_000_000), ("known-2", 1_700_000_100)] {
            let response = try FirehoseIntakeTests.post(try service.client(), requestID: id, body: delivery(id, at: t))
            FirehoseIntakeTests.expectContract(response, status: 200, requestID: id)
        }
        #expect(service.waitForLine(containing: "finding seen again", timeout: 10) != nil)
        let lines = service.output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let first = try #require(lines.first {
            $0["message"] as? String == "finding" && $0["requestId"] as? String == "known-1"
                && ($0["finding"] as? [String: Any])?["ruleId"] as? String == rejected
        })
        let id = try #require((first["finding"] as? [String: Any])?["findingId"] as? String)
        // The flows also match the informational network-probe rule: one line per finding.
        let again = lines.filter {
            $0["message"] as? String == "finding seen again" && $0["requestId"] as? String == "known-2" && $0["ruleId"] as? String == rejected
        }
        try #require(again.count == 1, "\(service.output)")
        #expect(again[0]["findingId"] as? String == id)
        #expect(again[0]["ruleId"] as? String == rejected)
        #expect(again[0]["resourceType"] as? String == "network-interface" && again[0]["resourceId"] as? String == "eni-0a1b2c3d")
        #expect("\(again[0]["matches"] ?? "")" == "2")
        #expect(again[0]["finding"] == nil)
        #expect(!lines.contains { $0["message"] as? String == "finding" && $0["requestId"] as? String == "known-2" })
    }

    /// `firebreak replay` merges a rule's matches on one resource in one window, like the service: one line, `count` 3.
    @Test func replayMergesRepeatedMatches() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fb-storm-\(UUID().uuidString).log")
        let lines = (0..<3).map { i in
            "2 123456789012 eni-0a1b2c3d 10.0.1.5 203.0.113.9 4000\(i) 444\(i) 6 1 40 17000000\(i)0 17000000\(i)9 REJECT OK"
        }
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let replay = try CommandResult.run(["replay", file.path])
        #expect(replay.status == 1, "\(replay.stderr)")
        let rejected = Self.findings(in: replay.stdout).filter { $0["ruleId"] as? String == "dfd8ecc8-bff6-4a46-9f3b-cd868b796a9f" }
        try #require(rejected.count == 1, "\(replay.stdout)")
        #expect(rejected[0]["count"] as? Int == 3)
        #expect(rejected[0]["firstSeen"] as? String == "2023-11-14T22:13:29.000Z")
        #expect(rejected[0]["lastSeen"] as? String == "2023-11-14T22:13:49.000Z")
    }

    @Test func replayExitCodes() throws {
        let clean = FileManager.default.temporaryDirectory.appendingPathComponent("fb-clean-\(UUID().uuidString).log")
        try "2 123456789012 eni-1 10.0.1.5 10.0.2.9 40000 443 6 10 4000 1700000000 1700000060 ACCEPT OK\n".write(to: clean, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: clean) }
        let quiet = try CommandResult.run(["replay", clean.path])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stdout.isEmpty)
        let missing = try CommandResult.run(["replay", "/nonexistent/file.json"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/file.json"))
    }

    @Test func rulesValidateAndTestTheBuiltInPack() throws {
        let validate = try CommandResult.run(["rules", "validate"])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        #expect(validate.stdout.contains("0 problem(s)"))
        #expect(!validate.stdout.contains("warning:"), "\(validate.stdout)")
        let test = try CommandResult.run(["rules", "test"])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        #expect(test.stdout.contains(" 0 failed"))
        let list = try CommandResult.run(["rules", "list"])
        #expect(list.stdout.contains(Self.portScanRule))
    }

    /// A rule for a log source Firebreak never decodes (here `vpcflow`, not `vpcflowlogs`) loads but never matches:
    /// `rules validate` names it and the sources that exist, and still passes.
    @Test func rulesValidateWarnsOfALogSourceNothingHas() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fb-logsource-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "title: Misspelt source\nlogsource: {product: aws, service: vpcflow}\ndetection:\n  sel: {action: REJECT}\n  condition: sel\n"
            .write(to: dir.appendingPathComponent("misspelt.yml"), atomically: true, encoding: .utf8)
        try "title: Right source\nlogsource: {product: aws, service: vpcflowlogs}\ndetection:\n  sel: {action: REJECT}\n  condition: sel\n"
            .write(to: dir.appendingPathComponent("right.yml"), atomically: true, encoding: .utf8)
        let validate = try CommandResult.run(["rules", "validate", "--rules", dir.path, "--only-given-rules"])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let warnings = validate.stdout.split(separator: "\n").filter { $0.hasPrefix("warning:") }
        #expect(warnings.count == 1, "\(validate.stdout)")
        #expect(warnings.first?.contains("misspelt.yml") == true)
        #expect(warnings.first?.contains("service: vpcflow}") == true)
        #expect(warnings.first?.contains("aws/vpcflowlogs") == true)
        #expect(validate.stdout.contains("2 rule(s)"))
    }

    @Test func serviceRefusesToStartOnABrokenRuleFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fb-broken-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "title: broken\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel: {eventName|frobnicate: x}\n  condition: sel\n"
            .write(to: dir.appendingPathComponent("broken.yml"), atomically: true, encoding: .utf8)
        let result = try CommandResult.run(["serve"], environment: ["FIREBREAK_LISTEN": "127.0.0.1:0", "FIREBREAK_RULES": dir.path])
        #expect(result.status != 0)
        #expect((result.stdout + result.stderr).contains("broken.yml"))
        #expect((result.stdout + result.stderr).contains("frobnicate"))
    }
}

/// Rules reload on SIGHUP and when their files change; a broken file leaves the old rules in force.
@Suite(.serialized) struct RuleReloadTests {
    static let egressRule = FirehoseFixture.packageRoot.appendingPathComponent("config/rules/vpcflow/egress_rejected.yml")

    @Test func reloadOnChangeAndSighupKeepsOldRulesOnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fb-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.egressRule, to: dir.appendingPathComponent("egress_rejected.yml"))
        let service = try ServiceProcess(environment: ["FIREBREAK_RULES": dir.path, "FIREBREAK_RULES_RELOAD_CHECK_SECONDS": "1"])
        #expect(service.waitForLine(containing: "\"rules\":1", timeout: 5) != nil)

        // A new file is picked up by the change check.
        try FileManager.default.copyItem(at: FirehoseFixture.packageRoot.appendingPathComponent("config/rules/cloudtrail/sg_ingress_open_to_world.yml"),
                                         to: dir.appendingPathComponent("sg.yml"))
        #expect(service.waitForLine(containing: "rules reloaded", timeout: 10) != nil)

        // A broken file is reported and the rules in force stay.
        try "title: [broken\n".write(to: dir.appendingPathComponent("broken.yml"), atomically: true, encoding: .utf8)
        #expect(service.waitForLine(containing: "rules not reloaded", timeout: 10) != nil)
        let id = "after-broken"
        let line = "2 123456789012 eni-1 10.0.1.5 192.0.2.44 43512 8443 6 3 180 1700000100 1700000160 REJECT OK"
        let body = FirehoseFixture.body(requestID: id, records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: [line]))])
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try service.client(), requestID: id, body: body), status: 200, requestID: id)
        #expect(service.waitForLine(containing: "dfd8ecc8-bff6-4a46-9f3b-cd868b796a9f", timeout: 5) != nil)

        // SIGHUP reloads at once once the file is fixed.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("broken.yml"))
        let before = service.logLines.filter { $0.contains("rules reloaded") }.count
        service.signal(SIGHUP)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && service.logLines.filter({ $0.contains("rules reloaded") }).count <= before { usleep(50_000) }
        #expect(service.logLines.filter { $0.contains("rules reloaded") }.count > before)
        #expect(try service.adminClient().roundTrip(method: "GET", path: "/metrics").text.contains("firebreak_rules_loaded 2"))
    }
}
