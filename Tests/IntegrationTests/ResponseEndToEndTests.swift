import FirebreakAWS
import FirebreakLogs
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The whole loop against moto: a Firehose delivery holding a honeypot's REJECTed outbound flow becomes a
/// finding, snapshots of every volume, a terminated instance and one SNS alert; redelivery changes nothing.
@Suite(.serialized, .e2eMoto)
struct ResponseEndToEndTests {
    let moto: E2EMoto
    let instanceId: String
    let interfaceId: String
    let privateIP: String
    let topicArn: String

    init() throws {
        moto = try #require(E2EMoto.current, "the suite runs with .e2eMoto")
        try moto.reset()
        let ec2 = moto.ec2
        var createVpc = EC2Client.request("CreateVpc")
        createVpc.add("CidrBlock", "10.0.0.0/16")
        let vpcId = try #require(ec2.call(createVpc).string("vpc", "vpcId"))
        var createSubnet = EC2Client.request("CreateSubnet")
        createSubnet.add("VpcId", vpcId)
        createSubnet.add("CidrBlock", "10.0.1.0/24")
        let subnetId = try #require(ec2.call(createSubnet).string("subnet", "subnetId"))
        let imageId = try #require(ec2.call(EC2Client.request("DescribeImages")).items("imagesSet").first?.string("imageId"))
        var run = EC2Client.request("RunInstances")
        run.add("ImageId", imageId)
        run.add("MinCount", 1)
        run.add("MaxCount", 1)
        run.add("InstanceType", "t3.micro")
        run.add("SubnetId", subnetId)
        for (index, (device, size)) in [("/dev/sda1", 8), ("/dev/sdf", 2)].enumerated() {
            run.add("BlockDeviceMapping.\(index + 1).DeviceName", device)
            run.add("BlockDeviceMapping.\(index + 1).Ebs.VolumeSize", size)
        }
        run.add("TagSpecification.1.ResourceType", "instance")
        run.add("TagSpecification.1.Tag.1.Key", "Honeypot")
        run.add("TagSpecification.1.Tag.1.Value", "true")
        let instance = try #require(ec2.call(run).items("instancesSet").first)
        instanceId = try #require(instance.string("instanceId"))
        interfaceId = try #require(instance.items("networkInterfaceSet").first?.string("networkInterfaceId"))
        privateIP = try #require(instance.string("privateIpAddress"))
        var topic = SNSClient.request("CreateTopic")
        topic.add("Name", "firebreak-alerts")
        topicArn = try #require(moto.sns.call(topic).string("CreateTopicResult", "TopicArn"))
    }

    func service(mode: String) throws -> ServiceProcess {
        try ServiceProcess(environment: [
            "FIREBREAK_MODE": mode,
            "FIREBREAK_SNS_TOPIC_ARN": topicArn,
            "AWS_ENDPOINT_URL": moto.endpoint.absoluteString,
            "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": moto.region,
            "AWS_EC2_METADATA_DISABLED": "true",
        ])
    }

    /// The honeypot tries to reach an IRC server and is REJECTed (default version-2 format: the ENI only).
    func rejectedEgress(requestId: String, port: Int = 6667) -> [UInt8] {
        let line = "2 123456789012 \(interfaceId) \(privateIP) 203.0.113.9 43512 \(port) 6 3 180 1700000100 1700000160 REJECT OK"
        return FirehoseFixture.body(requestId: requestId, records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: [line]))])
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
        let response = try service.client().roundTrip(method: "GET", path: "/findings/\(id)")
        return (response.json?["actions"] as? [[String: Any]]) ?? []
    }

    @Test func honeypotEgressIsSnapshottedTerminatedAndReported() throws {
        let service = try service(mode: "enforce")
        let response = try FirehoseIntakeTests.post(try service.client(), requestId: "e2e-1", body: rejectedEgress(requestId: "e2e-1"))
        FirehoseIntakeTests.expectContract(response, status: 200, requestId: "e2e-1")

        #expect(try eventually { try state() == "terminated" }, "the honeypot is terminated: \(service.output.suffix(3000))")
        let list = try service.client().roundTrip(method: "GET", path: "/findings?rule=dfd8ecc8-bff6-4a46-9f3b-cd868b796a9f")
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

        // Redelivery: 200, nothing evaluated again, nothing new done.
        let again = try FirehoseIntakeTests.post(try service.client(), requestId: "e2e-1", body: rejectedEgress(requestId: "e2e-1"))
        FirehoseIntakeTests.expectContract(again, status: 200, requestId: "e2e-1")
        #expect(service.waitForLine(containing: "redelivery of a committed delivery", timeout: 5) != nil)
        // A second finding for the same instance (another port): no second snapshot or terminate.
        let second = try FirehoseIntakeTests.post(try service.client(), requestId: "e2e-2", body: rejectedEgress(requestId: "e2e-2", port: 6697))
        FirehoseIntakeTests.expectContract(second, status: 200, requestId: "e2e-2")
        usleep(1_500_000)
        #expect(try snapshots(finding: findingId).count == 2)
        var all = EC2Client.request("DescribeSnapshots")
        all.add("Filter.1.Name", "tag-key")
        all.add("Filter.1.Value.1", "firebreak:finding-id")
        #expect(try moto.ec2.call(all).items("snapshotSet").count == 2)
        let metrics = try service.client().roundTrip(method: "GET", path: "/metrics").text
        #expect(metrics.contains("firebreak_actions{state=\"done\",step=\"terminate\"} 1"))

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
        let response = try FirehoseIntakeTests.post(try service.client(timeout: 20), requestId: "locked-1", body: rejectedEgress(requestId: "locked-1"))
        FirehoseIntakeTests.expectContract(response, status: 503, requestId: "locked-1")
        #expect(response.header("Retry-After") != nil)
    }

    @Test func observeModeRecordsButChangesNothing() throws {
        let service = try service(mode: "observe")
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try service.client(), requestId: "obs-1", body: rejectedEgress(requestId: "obs-1")),
                                           status: 200, requestId: "obs-1")
        // The alert still goes; the account is not changed.
        #expect(try eventually { try moto.sentNotifications(topicArn: topicArn).count == 1 })
        let findings = try #require(try service.client().roundTrip(method: "GET", path: "/findings").json?["findings"] as? [[String: Any]])
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
        let body = FirehoseFixture.body(requestId: "ct-1", records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(
            logGroup: "aws-cloudtrail-logs-123456789012", logStream: "123456789012_CloudTrail_us-east-1", messages: [record]))])
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try service.client(), requestId: "ct-1", body: body), status: 200, requestId: "ct-1")
        func ports() throws -> [Int] {
            try moto.ec2.describeSecurityGroups(ids: [groupId]).first?.ingress.compactMap(\.fromPort).sorted() ?? []
        }
        let revoked = try eventually { try ports() == [443] }
        if !revoked {
            let findings = try service.client().roundTrip(method: "GET", path: "/findings").json?["findings"] as? [[String: Any]] ?? []
            let details = try findings.compactMap { $0["findingId"] as? String }.map { try findingActions(service, $0) }
            Issue.record("only port 22 from 0.0.0.0/0 should be revoked; ports now \(try ports()); actions \(details)")
        }
    }
}
