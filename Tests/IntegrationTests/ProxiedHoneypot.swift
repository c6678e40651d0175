import FirebreakAWS
import FirebreakLogs
import FirebreakTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The set-up of the tests that cut the service's AWS calls: moto (reset, signature checking on) behind a fault
/// proxy, a honeypot instance (`Honeypot=true`, a root and a data volume) in a fresh VPC, and `firebreak serve`
/// started in enforce mode on a store of the test's choosing, talking to moto through the proxy. Its stores
/// live in one temporary folder, removed with the fixture.
final class ProxiedHoneypot: Sendable {
    let moto: MotoServer
    let proxy: FaultProxy
    let network: MotoNetwork
    let instanceId: String
    let interfaceId: String
    let privateIP: String
    private let folder: URL

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        proxy = try FaultProxy(upstream: moto.endpoint)
        network = try moto.createNetwork(vpcCidr: "10.0.0.0/16", subnetCidr: "10.0.1.0/24")
        (instanceId, interfaceId, privateIP) = try ResponseEndToEndTests.launch(moto, in: network)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fb-proxied-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// A path for a new store (or any other file of the test) in the fixture's folder.
    func file(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// `firebreak serve` on `store`, alerting to `topicArn`, calling AWS through the proxy (`extra` last).
    func service(store: String, topicArn: String, mode: String = "enforce",
                 extra: [String: String] = [:]) throws -> ServiceProcess {
        try ServiceProcess(environment: [
            "FIREBREAK_MODE": mode, "FIREBREAK_STORE": store, "FIREBREAK_SNS_TOPIC_ARN": topicArn,
            "AWS_ENDPOINT_URL": proxy.endpoint.absoluteString,
            "AWS_ACCESS_KEY_ID": moto.credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.credentials.secretAccessKey,
            "AWS_REGION": moto.region, "AWS_EC2_METADATA_DISABLED": "true",
        ].merging(extra) { _, given in given })
    }

    /// The honeypot tries to reach an IRC server and is REJECTed (version-2 flow record: the ENI only).
    func rejectedEgress(requestID: String) -> [UInt8] {
        let line = "2 123456789012 \(interfaceId) \(privateIP) 203.0.113.9 43512 6667 6 3 180 1700000100 1700000160 REJECT OK"
        return FirehoseFixture.body(requestID: requestID, records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: [line]))])
    }

    /// A security group in the honeypot's VPC with 22/tcp open to 0.0.0.0/0 (what a CloudTrail event will report)
    /// and `others` besides; its id and the id EC2 gave the world-open rule.
    func worldOpenSSHGroup(_ name: String, others: [EC2IpPermission]) throws -> (groupId: String, ruleId: String) {
        var create = EC2Client.request("CreateSecurityGroup")
        create.add("GroupName", name)
        create.add("GroupDescription", name)
        create.add("VpcId", network.vpcId)
        let groupId = try #require(moto.ec2.call(create).string("groupId"))
        let ruleIds = try moto.ec2.authorizeSecurityGroupIngress(groupId: groupId, permissions: [
            EC2IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("0.0.0.0/0")]),
        ])
        if !others.isEmpty { _ = try moto.ec2.authorizeSecurityGroupIngress(groupId: groupId, permissions: others) }
        return (groupId, ruleIds.first ?? "sgr-0\(UInt32.random(in: 1...UInt32.max))")
    }

    /// A group's ingress in moto, one `tcp 22 0.0.0.0/0` line per protocol, port range and IPv4 source.
    func ingress(_ groupId: String) throws -> Set<String> {
        let group = try #require(try moto.ec2.describeSecurityGroups(ids: [groupId]).first, "no group \(groupId)")
        return Set(group.ingress.flatMap { permission in
            permission.ipv4Ranges.map { "\(permission.ipProtocol) \(permission.fromPort ?? -1) \($0.cidr)" }
        })
    }

    /// Arms the proxy to SIGKILL `service` once moto has carried out `action`, posts `body` (expecting the 200
    /// that acknowledges its commit) and waits for the cut and for the service's death. Returns the cut exchange.
    func killWhenMotoHasDone(_ action: String, service: ServiceProcess, requestID: String, body: [UInt8],
                             sourceLocation: SourceLocation = #_sourceLocation) throws -> FaultExchange {
        let pid = service.process.processIdentifier
        let killed = Mutexed<[Bool]>([])
        proxy.arm(FaultRule(action: action) { _ in killed.update { $0.append(ProcessKiller.kill(pid)) } })
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try service.client(), requestID: requestID, body: body),
                                           status: 200, requestID: requestID, sourceLocation: sourceLocation)
        let cut = try #require(proxy.waitForCut(timeout: .seconds(60)), "no \(action) was sent: \(service.output.suffix(3000))",
                               sourceLocation: sourceLocation)
        #expect(cut.status == 200, "moto did not carry out \(action): \(cut.responseText.prefix(500))", sourceLocation: sourceLocation)
        #expect(killed.value == [true], "the callback did not kill the service", sourceLocation: sourceLocation)
        #expect(service.waitForExit(timeout: 10) != nil, "the service outlived the cut", sourceLocation: sourceLocation)
        return cut
    }

    /// The actions of `playbook` for one finding as the admin listener shows them, once there are `count` and
    /// none is pending or running (nil on timeout). Polls; never sleeps longer than 200 ms at a time.
    func finishedPlan(_ service: ServiceProcess, playbook: String, count: Int,
                      timeout: TimeInterval = 60) throws -> [[String: Any]]? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for id in try findingIDs(service) {
                let actions = try actions(service, finding: id).filter { $0["playbook"] as? String == playbook }
                if actions.count == count, actions.allSatisfy({ !["pending", "running"].contains($0["state"] as? String ?? "") }) {
                    return actions.sorted { ($0["sequence"] as? Int ?? 0) < ($1["sequence"] as? Int ?? 0) }
                }
            }
            usleep(200_000)
        }
        return nil
    }

    /// Every finding id in the service's store (`GET /findings` on the admin listener).
    func findingIDs(_ service: ServiceProcess) throws -> [String] {
        let list = try service.adminClient().roundTrip(method: "GET", path: "/findings?limit=1000").json?["findings"] as? [[String: Any]] ?? []
        return list.compactMap { $0["findingId"] as? String ?? $0["id"] as? String }
    }

    /// One finding's actions (`GET /findings/{id}`).
    func actions(_ service: ServiceProcess, finding id: String) throws -> [[String: Any]] {
        try service.adminClient().roundTrip(method: "GET", path: "/findings/\(id)").json?["actions"] as? [[String: Any]] ?? []
    }
}
