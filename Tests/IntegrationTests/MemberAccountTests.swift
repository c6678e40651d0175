import FirebreakAWS
import FirebreakLogs
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Findings about a member account, against moto with two accounts: the service runs as the security account
/// 123456789012 (moto's admin user); a honeypot runs in the member account 111111111111. With
/// `aws.assume_role_arn` the honeypot's flow log gets it snapshotted and terminated there, through the assumed role, and
/// the finding imported into that account's Security Hub and put (OCSF) on the security account's event bus; without a
/// role nothing is done to it, and the skips are counted.
@Suite(.serialized, .motoServer)
struct MemberAccountTests {
    static let member = "111111111111"
    static let externalID = "firebreak-ext-7c1d"
    static let bus = "firebreak-findings"

    let moto: MotoServer
    let memberKeys: AWSCredentials
    let memberEC2: EC2Client
    let honeypot: MotoInstance
    let queue: SQSQueue
    let folder: URL

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        memberKeys = try moto.memberAccount(Self.member, externalID: Self.externalID)
        memberEC2 = EC2Client(client: moto.client(signingName: "ec2", credentials: memberKeys))
        // Inside the services' internal_cidrs (ServiceProcess: 10.0.0.0/16), as a VPC of the organisation's plan.
        let network = try moto.createNetwork(vpcCidr: "10.0.0.0/16", subnetCidr: "10.0.2.0/24", ec2: memberEC2)
        honeypot = try moto.launchInstance(in: network, volumes: [("/dev/sda1", 8), ("/dev/sdf", 2)],
                                           tags: [("Honeypot", "true")], ec2: memberEC2)
        queue = try moto.eventBus(Self.bus, queue: "findings-\(UUID().uuidString.prefix(8))")
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("firebreak-member-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The shipped honeypot playbook, with the finding put on the security account's bus too.
        try """
            playbooks:
              - name: honeypot-egress-contain
                match: {rules: [dfd8ecc8-bff6-4a46-9f3b-cd868b796a9f]}
                scope: {tags: {Honeypot: "true"}}
                steps: [snapshot, terminate, event: {bus: \(Self.bus)}]
            """.write(to: folder.appendingPathComponent("playbooks.yaml"), atomically: true, encoding: .utf8)
    }

    func service(role: Bool) throws -> ServiceProcess {
        var environment = [
            "FIREBREAK_MODE": "enforce",
            "FIREBREAK_PLAYBOOKS": folder.appendingPathComponent("playbooks.yaml").path,
            "FIREBREAK_STORE": folder.appendingPathComponent("store-\(role).sqlite").path,
            "FIREBREAK_EXPORT_SECURITYHUB_ENABLED": "true",
            "AWS_ENDPOINT_URL": moto.endpoint.absoluteString,
            "AWS_ACCESS_KEY_ID": moto.credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.credentials.secretAccessKey,
            "AWS_REGION": moto.region,
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
        if role {
            environment["FIREBREAK_AWS_ASSUME_ROLE_ARN"] = "arn:aws:iam::{account_id}:role/FirebreakResponder"
            environment["FIREBREAK_AWS_EXTERNAL_ID"] = Self.externalID
        }
        return try ServiceProcess(environment: environment)
    }

    /// The honeypot's REJECTed egress, as the member account's flow log says it (account-id 111111111111).
    func rejectedEgress(requestID: String) -> [UInt8] {
        let line = "2 \(Self.member) \(honeypot.interfaceId) \(honeypot.privateIP) 203.0.113.9 43512 6667 6 3 180 1700000100 1700000160 REJECT OK"
        return FirehoseFixture.body(requestID: requestID, records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: [line]))])
    }

    func state(_ ec2: EC2Client, _ id: String) throws -> String? { try ec2.describeInstances(ids: [id]).first?.state.name }

    func snapshots(_ ec2: EC2Client, finding: String) throws -> [String] {
        var request = EC2Client.request("DescribeSnapshots")
        request.add("Filter.1.Name", "tag:firebreak:finding-id")
        request.add("Filter.1.Value.1", finding)
        return try ec2.call(request).items("snapshotSet").compactMap { $0.string("snapshotId") }
    }

    func eventually(_ seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(200_000)
        }
        return try condition()
    }

    /// The finding's actions once none is pending or running.
    func settled(_ service: ServiceProcess, finding: String) throws -> [String: [String: Any]] {
        var actions: [[String: Any]] = []
        _ = try eventually {
            actions = try service.adminClient().roundTrip(method: "GET", path: "/findings/\(finding)").json?["actions"] as? [[String: Any]] ?? []
            return !actions.isEmpty && actions.allSatisfy { !["pending", "running"].contains($0["state"] as? String ?? "") }
        }
        return Dictionary(actions.map { ($0["step"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    func findingID(_ service: ServiceProcess) throws -> String {
        var id: String?
        _ = try eventually(10) {
            let list = try service.adminClient().roundTrip(method: "GET", path: "/findings?rule=dfd8ecc8-bff6-4a46-9f3b-cd868b796a9f")
            id = (list.json?["findings"] as? [[String: Any]])?.first?["findingId"] as? String
            return id != nil
        }
        return try #require(id, "no finding: \(service.output.suffix(2000))")
    }

    @Test func theMemberAccountsHoneypotIsContainedThereAndItsFindingExportedThere() throws {
        let service = try service(role: true)
        let response = try FirehoseIntakeTests.post(try service.client(), requestID: "member-1", body: rejectedEgress(requestID: "member-1"))
        FirehoseIntakeTests.expectContract(response, status: 200, requestID: "member-1")
        let finding = try findingID(service)
        let actions = try settled(service, finding: finding)
        #expect(actions["snapshot"]?["state"] as? String == "done", "\(actions)\n\(service.output.suffix(3000))")
        #expect(actions["terminate"]?["state"] as? String == "done", "\(actions)")

        // Evidence, then containment, in the member account: the admin (security) account has neither.
        #expect(try state(memberEC2, honeypot.instanceId) == "terminated")
        #expect(try snapshots(memberEC2, finding: finding).count == 2)
        #expect(try snapshots(moto.ec2, finding: finding).isEmpty)
        #expect(try moto.ec2.describeInstances(ids: []).allSatisfy { $0.instanceId != honeypot.instanceId })

        // Security Hub: imported as the member account, into the member account's hub only.
        #expect(actions["securityhub"]?["state"] as? String == "done", "\(actions)")
        let memberHub = SecurityHubClient(client: moto.client(signingName: SecurityHubClient.signingName, credentials: memberKeys))
        let imported = try memberHub.getFindings(ids: ["firebreak/\(finding)"])
        #expect(imported.count == 1)
        #expect(imported.first?.awsAccountId == Self.member)
        #expect(imported.first?.productArn == "arn:aws:securityhub:us-east-1:\(Self.member):product/\(Self.member)/default")
        let ownHub = SecurityHubClient(client: moto.client(signingName: SecurityHubClient.signingName))
        #expect(try ownHub.getFindings(ids: ["firebreak/\(finding)"]).isEmpty)

        // The event: OCSF on the security account's bus, about the member account.
        let messages = try queue.collect(atLeast: 1, timeout: .seconds(20))
        #expect(messages.count == 1)
        let event = try #require(try JSONSerialization.jsonObject(with: Data((messages.first?.body ?? "").utf8)) as? [String: Any])
        #expect(event["source"] as? String == "firebreak" && event["detail-type"] as? String == "Firebreak Finding")
        let detail = try #require(event["detail"] as? [String: Any])
        #expect(detail["class_uid"] as? Int == 2004)
        #expect((detail["finding_info"] as? [String: Any])?["uid"] as? String == finding)
        #expect(((detail["cloud"] as? [String: Any])?["account"] as? [String: Any])?["uid"] as? String == Self.member)
        #expect((detail["metadata"] as? [String: Any])?["uid"] as? String == actions["event"]?["id"] as? String)
    }

    @Test func withoutARoleTheMemberAccountIsLeftAloneAndTheSkipsCounted() throws {
        let service = try service(role: false)
        let response = try FirehoseIntakeTests.post(try service.client(), requestID: "member-2", body: rejectedEgress(requestID: "member-2"))
        FirehoseIntakeTests.expectContract(response, status: 200, requestID: "member-2")
        let finding = try findingID(service)
        let actions = try settled(service, finding: finding)
        for step in ["snapshot", "terminate", "securityhub"] {
            #expect(actions[step]?["state"] as? String == "skipped", "\(step): \(actions)")
            #expect((actions[step]?["reason"] as? String)?.contains("aws.assume_role_arn is not set") == true, "\(step): \(actions)")
        }
        // The event would go out from the security account, but the playbook's scope (the Honeypot tag) cannot be
        // checked on an instance out of reach: out of scope, it is skipped too.
        #expect(actions["event"]?["state"] as? String == "skipped", "\(actions)")
        #expect((actions["event"]?["reason"] as? String)?.contains("scope") == true, "\(actions)")
        #expect(try state(memberEC2, honeypot.instanceId) == "running")
        #expect(try snapshots(memberEC2, finding: finding).isEmpty)
        let metrics = try service.adminClient().roundTrip(method: "GET", path: "/metrics").text
        // Snapshot and terminate (terminate waits for snapshot, which is skipped: it is skipped after it, counted too
        // only when it reaches the executor) and the export.
        #expect(metrics.contains("firebreak_actions_out_of_reach_total "), "\(metrics)")
        #expect(!metrics.contains("firebreak_actions_out_of_reach_total 0"), "\(metrics)")
    }
}
