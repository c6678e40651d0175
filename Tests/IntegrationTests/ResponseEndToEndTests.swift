import FirebreakAWS
import FirebreakLogs
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The whole loop against moto: a Firehose delivery holding a honeypot's REJECTed outbound flow becomes a
/// finding, snapshots of every volume, a terminated instance and one SNS alert; redelivery changes nothing.
@Suite(.serialized, .motoServer)
struct ResponseEndToEndTests {
    let moto: MotoServer
    let instanceId: String
    let interfaceId: String
    let privateIP: String
    let topicArn: String

    let network: MotoNetwork

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        network = try moto.createNetwork(vpcCidr: "10.0.0.0/16", subnetCidr: "10.0.1.0/24")
        (instanceId, interfaceId, privateIP) = try Self.launch(moto, in: network)
        var topic = SNSClient.request("CreateTopic")
        topic.add("Name", "firebreak-alerts")
        topicArn = try #require(moto.sns.call(topic).string("CreateTopicResult", "TopicArn"))
    }

    /// A honeypot (tag `Honeypot=true`, plus `extraTags`) with a root and a data volume.
    static func launch(_ moto: MotoServer, in network: MotoNetwork,
                       extraTags: [(String, String)] = []) throws -> (String, String, String) {
        let instance = try moto.launchInstance(in: network, volumes: [("/dev/sda1", 8), ("/dev/sdf", 2)],
                                               tags: [("Honeypot", "true")] + extraTags)
        return (instance.instanceId, instance.interfaceId, instance.privateIP)
    }

    func service(mode: String, store: String? = nil) throws -> ServiceProcess {
        var extra: [String: String] = [:]
        if let store { extra["FIREBREAK_STORE"] = store }
        return try ServiceProcess(environment: extra.merging([
            "FIREBREAK_MODE": mode,
            "FIREBREAK_SNS_TOPIC_ARN": topicArn,
            "AWS_ENDPOINT_URL": moto.endpoint.absoluteString,
            // moto checks signatures (`.motoServer`): the admin keys of this test's reset.
            "AWS_ACCESS_KEY_ID": moto.credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.credentials.secretAccessKey,
            "AWS_REGION": moto.region,
            "AWS_EC2_METADATA_DISABLED": "true",
        ]) { a, _ in a })
    }

    /// The honeypot tries to reach an IRC server and is REJECTed (default version-2 format: the ENI only).
    func rejectedEgress(requestID: String, port: Int = 6667, from hosts: [(eni: String, ip: String)]? = nil) -> [UInt8] {
        let lines = (hosts ?? [(interfaceId, privateIP)]).map { host in
            "2 123456789012 \(host.eni) \(host.ip) 203.0.113.9 43512 \(port) 6 3 180 1700000100 1700000160 REJECT OK"
        }
        return FirehoseFixture.body(requestID: requestID, records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: lines))])
    }

    func state(_ id: String) throws -> String {
        try #require(moto.ec2.describeInstances(ids: [id]).first).state.name
    }

    /// Waits until no action of any finding is pending or running; returns every action.
    func settledActions(_ service: ServiceProcess, seconds: Double = 30) throws -> [[String: Any]] {
        var actions: [[String: Any]] = []
        _ = try eventually(seconds) {
            let findings = try service.adminClient().roundTrip(method: "GET", path: "/findings?limit=1000").json?["findings"] as? [[String: Any]] ?? []
            actions = try findings.compactMap { $0["findingId"] as? String }.flatMap { try findingActions(service, $0) }
            return !actions.isEmpty && actions.allSatisfy { ["done", "skipped", "failed", "held"].contains($0["state"] as? String ?? "") }
        }
        return actions
    }

    func snapshots(finding: String) throws -> [String] {
        var request = EC2Client.request("DescribeSnapshots")
        request.add("Filter.1.Name", "tag:firebreak:finding-id")
        request.add("Filter.1.Value.1", finding)
        return try moto.ec2.call(request).items("snapshotSet").compactMap { $0.string("snapshotId") }
    }

    func state() throws -> String {
        try #require(moto.ec2.describeInstances(ids: [instanceId]).first).state.name
    }

    func eventually(_ seconds: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }

    func findingActions(_ service: ServiceProcess, _ id: String) throws -> [[String: Any]] {
        let response = try service.adminClient().roundTrip(method: "GET", path: "/findings/\(id)")
        return (response.json?["actions"] as? [[String: Any]]) ?? []
    }

    @Test func honeypotEgressIsSnapshottedTerminatedAndReported() throws {
        let service = try service(mode: "enforce")
        let response = try FirehoseIntakeTests.post(try service.client(), requestID: "e2e-1", body: rejectedEgress(requestID: "e2e-1"))
        FirehoseIntakeTests.expectContract(response, status: 200, requestID: "e2e-1")

        #expect(try eventually { try state() == "terminated" }, "the honeypot is terminated: \(service.output.suffix(3000))")
        let list = try service.adminClient().roundTrip(method: "GET", path: "/findings?rule=dfd8ecc8-bff6-4a46-9f3b-cd868b796a9f")
        let findings = try #require(list.json?["findings"] as? [[String: Any]])
        #expect(findings.count == 1)
        let findingId = try #require(findings.first?["findingId"] as? String)

        // Evidence first: both volumes snapshotted, tagged with the finding, before the terminate ran.
        #expect(try snapshots(finding: findingId).count == 2)
        var actions: [[String: Any]] = []
        _ = try eventually { actions = try findingActions(service, findingId); return actions.allSatisfy { $0["state"] as? String != "pending" && $0["state"] as? String != "running" } }
        let byStep = Dictionary(actions.map { ($0["step"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byStep["snapshot"]?["state"] as? String == "done")
        #expect(byStep["terminate"]?["state"] as? String == "done")
        #expect((byStep["snapshot"]?["sequence"] as? Int ?? 9) < (byStep["terminate"]?["sequence"] as? Int ?? 0))
        #expect((byStep["snapshot"]?["updatedAt"] as? String ?? "~") <= (byStep["terminate"]?["updatedAt"] as? String ?? ""))

        // One SNS alert carrying the finding, with attributes to filter on.
        #expect(try eventually { try moto.sentNotifications(topicArn: topicArn).count == 1 })
        let message = try moto.sentNotifications(topicArn: topicArn).first
        #expect((message?[1] as? String)?.contains(findingId) == true)
        // The finding as stored follows the text (the alert's payload does not copy it).
        #expect((message?[1] as? String)?.contains("\"findingId\":\"\(findingId)\"") == true)
        // What the snapshot step created is stored with it (`createdIds` in /findings) and named in the alert.
        let created = try #require(byStep["snapshot"]?["createdIds"] as? [String])
        #expect(Set(created) == Set(try snapshots(finding: findingId)))
        for snapshot in created {
            #expect((message?[1] as? String)?.contains(snapshot) == true, "the alert does not name \(snapshot)")
        }

        // Redelivery: 200, nothing evaluated again, nothing new done.
        let again = try FirehoseIntakeTests.post(try service.client(), requestID: "e2e-1", body: rejectedEgress(requestID: "e2e-1"))
        FirehoseIntakeTests.expectContract(again, status: 200, requestID: "e2e-1")
        #expect(service.waitForLine(containing: "redelivery of a committed delivery", timeout: 5) != nil)
        // The redelivery is recognised by its request id before its body is decoded: a body that would not even
        // parse is acknowledged (Firehose sends the same body again, and only the key's holder can send at all).
        let undecodable = try FirehoseIntakeTests.post(try service.client(), requestID: "e2e-1", body: Array("not a delivery".utf8))
        FirehoseIntakeTests.expectContract(undecodable, status: 200, requestID: "e2e-1")
        #expect(service.waitForLine(containing: "acknowledged without decoding", timeout: 5) != nil)
        // A second finding for the same instance (another port): no second snapshot or terminate.
        let second = try FirehoseIntakeTests.post(try service.client(), requestID: "e2e-2", body: rejectedEgress(requestID: "e2e-2", port: 6697))
        FirehoseIntakeTests.expectContract(second, status: 200, requestID: "e2e-2")
        usleep(1_500_000)
        #expect(try snapshots(finding: findingId).count == 2)
        var all = EC2Client.request("DescribeSnapshots")
        all.add("Filter.1.Name", "tag-key")
        all.add("Filter.1.Value.1", "firebreak:finding-id")
        #expect(try moto.ec2.call(all).items("snapshotSet").count == 2)
        let metrics = try service.adminClient().roundTrip(method: "GET", path: "/metrics").text
        #expect(metrics.contains("firebreak_actions{state=\"done\",step=\"terminate\"} 1"))
        #expect(metrics.contains("firebreak_action_delay_seconds{quantile=\"0.5\"}"))

        // `firebreak findings` reads the same store.
        let cli = try CommandResult.run(["findings", "--store", service.storePath, "--id", findingId])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout.contains("terminate") && cli.stdout.contains("done"))
    }

    @Test func aStoreThatCannotCommitAnswers503() throws {
        let service = try service(mode: "observe")
        // Another process holds an exclusive lock on the store past the service's busy timeout.
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        locker.arguments = ["python3", "-c", "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); "
                            + "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(30)", service.storePath]
        let out = Pipe()
        locker.standardOutput = out
        try locker.run()
        defer { kill(locker.processIdentifier, SIGKILL); locker.waitUntilExit() }
        _ = out.fileHandleForReading.availableData   // "locked"
        let response = try FirehoseIntakeTests.post(try service.client(timeout: 20), requestID: "locked-1", body: rejectedEgress(requestID: "locked-1"))
        FirehoseIntakeTests.expectContract(response, status: 503, requestID: "locked-1")
        #expect(response.header("Retry-After") != nil)
    }

    @Test func observeModeRecordsButChangesNothing() throws {
        let service = try service(mode: "observe")
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try service.client(), requestID: "obs-1", body: rejectedEgress(requestID: "obs-1")),
                                           status: 200, requestID: "obs-1")
        // The alert still goes; the account is not changed.
        #expect(try eventually { try moto.sentNotifications(topicArn: topicArn).count == 1 })
        let findings = try #require(try service.adminClient().roundTrip(method: "GET", path: "/findings").json?["findings"] as? [[String: Any]])
        let id = try #require(findings.first?["findingId"] as? String)
        let actions = try findingActions(service, id)
        #expect(actions.contains { $0["step"] as? String == "terminate" && $0["state"] as? String == "skipped" })
        #expect(try state() == "running")
        #expect(try snapshots(finding: id).isEmpty)
    }

    @Test func worldOpenIngressIsRevokedExactly() throws {
        // A group with the rule the CloudTrail event reports, and one more that must stay.
        var create = EC2Client.request("CreateSecurityGroup")
        create.add("GroupName", "web")
        create.add("GroupDescription", "web")
        let groupId = try #require(moto.ec2.call(create).string("groupId"))
        try moto.ec2.authorizeSecurityGroupIngress(groupId: groupId, permissions: [
            EC2IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("0.0.0.0/0")]),
            EC2IpPermission(ipProtocol: "tcp", fromPort: 443, toPort: 443, ipv4Ranges: [EC2IpRange("0.0.0.0/0")]),
        ])
        let service = try service(mode: "enforce")
        let record = FirehoseFixture.cloudTrailRecord().replacingOccurrences(of: "sg-0abc", with: groupId)
        let body = FirehoseFixture.cloudTrailDelivery(requestID: "ct-1", records: [record])
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try service.client(), requestID: "ct-1", body: body), status: 200, requestID: "ct-1")
        func ports() throws -> [Int] {
            try moto.ec2.describeSecurityGroups(ids: [groupId]).first?.ingress.compactMap(\.fromPort).sorted() ?? []
        }
        let revoked = try eventually { try ports() == [443] }
        if !revoked {
            let findings = try service.adminClient().roundTrip(method: "GET", path: "/findings").json?["findings"] as? [[String: Any]] ?? []
            let details = try findings.compactMap { $0["findingId"] as? String }.map { try findingActions(service, $0) }
            Issue.record("only port 22 from 0.0.0.0/0 should be revoked; ports now \(try ports()); actions \(details)")
        }
    }

    @Test func dryRunSendsDryRunAndChangesNothing() throws {
        let service = try service(mode: "dry-run")
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try service.client(), requestID: "dry-1", body: rejectedEgress(requestID: "dry-1")),
                                           status: 200, requestID: "dry-1")
        let actions = try settledActions(service)
        let terminate = actions.first { $0["step"] as? String == "terminate" }
        #expect(terminate?["state"] as? String == "done")
        #expect((terminate?["reason"] as? String)?.contains("dry run") == true, "\(actions)")
        #expect(try state() == "running")
        var snapshots = EC2Client.request("DescribeSnapshots")
        snapshots.add("Filter.1.Name", "tag-key")
        snapshots.add("Filter.1.Value.1", "firebreak:finding-id")
        #expect(try moto.ec2.call(snapshots).items("snapshotSet").isEmpty)
    }

    @Test func protectedInstanceIsUntouched() throws {
        let (protectedId, eni, ip) = try Self.launch(moto, in: network,
                                                     extraTags: [("firebreak:protected", "true")])
        let service = try service(mode: "enforce")
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try service.client(), requestID: "prot-1",
                                                                        body: rejectedEgress(requestID: "prot-1", from: [(eni, ip)])),
                                           status: 200, requestID: "prot-1")
        let actions = try settledActions(service)
        #expect(actions.contains { $0["step"] as? String == "terminate" && $0["state"] as? String == "skipped"
                                   && ($0["reason"] as? String)?.contains("protected") == true }, "\(actions)")
        #expect(try state(protectedId) == "running")
    }

    @Test func blastRadiusActsOnFiveAndHoldsTheSixth() throws {
        var hosts: [(eni: String, ip: String)] = [(interfaceId, privateIP)]
        var ids = [instanceId]
        for _ in 0..<5 {
            let (id, eni, ip) = try Self.launch(moto, in: network)
            ids.append(id)
            hosts.append((eni, ip))
        }
        let service = try service(mode: "enforce")
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try service.client(), requestID: "blast-1",
                                                                        body: rejectedEgress(requestID: "blast-1", from: hosts)),
                                           status: 200, requestID: "blast-1")
        let actions = try settledActions(service, seconds: 60)
        let terminates = actions.filter { $0["step"] as? String == "terminate" }
        #expect(terminates.filter { $0["state"] as? String == "done" }.count == 5, "\(terminates)")
        #expect(terminates.filter { $0["state"] as? String == "held" }.count == 1, "\(terminates)")
        #expect(try ids.map { try state($0) }.filter { $0 == "running" }.count == 1)
        // One alert says the limit was reached (besides the findings' own alerts).
        let subjects = try moto.sentNotifications(topicArn: topicArn).compactMap { $0[2] as? String }
        #expect(subjects.filter { $0.contains("blast-radius") }.count == 1, "\(subjects)")
    }

    @Test func anAWSOutageDelaysButDoesNotLoseActions() throws {
        let service = try service(mode: "enforce")
        moto.freeze(true)
        var thawed = false
        defer { if !thawed { moto.freeze(false) } }
        // The delivery is committed locally and acknowledged while AWS does not answer.
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try service.client(), requestID: "outage-1", body: rejectedEgress(requestID: "outage-1")),
                                           status: 200, requestID: "outage-1")
        usleep(3_000_000)
        moto.freeze(false)
        thawed = true
        #expect(try eventually(60) { try state() == "terminated" }, "\(service.output.suffix(2000))")
    }

    @Test func killedAfterTheAckTheActionsCompleteOnceAfterRestart() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("fb-kill-\(UUID().uuidString)/f.sqlite").path
        defer { try? FileManager.default.removeItem(atPath: (store as NSString).deletingLastPathComponent) }
        do {
            let first = try service(mode: "enforce", store: store)
            moto.freeze(true)
            FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try first.client(), requestID: "kill-1", body: rejectedEgress(requestID: "kill-1")),
                                               status: 200, requestID: "kill-1")
            usleep(500_000)
            first.signal(SIGKILL)          // mid-action: the executor is waiting on AWS
            _ = first.waitForExit(timeout: 5)
            moto.freeze(false)
        }
        let second = try service(mode: "enforce", store: store)
        #expect(try eventually(60) { try state() == "terminated" })
        let actions = try settledActions(second)
        #expect(actions.filter { $0["step"] as? String == "terminate" }.count == 1)
        #expect(actions.allSatisfy { $0["state"] as? String != "failed" }, "\(actions)")
        var snapshots = EC2Client.request("DescribeSnapshots")
        snapshots.add("Filter.1.Name", "tag-key")
        snapshots.add("Filter.1.Value.1", "firebreak:finding-id")
        #expect(try moto.ec2.call(snapshots).items("snapshotSet").count == 2, "one snapshot per volume, not two")
    }
}
