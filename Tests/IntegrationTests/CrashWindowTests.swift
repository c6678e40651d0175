import FirebreakAWS
import FirebreakLogs
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The promises about effects, cut at their windows: the fault proxy lets moto carry out one call of the
/// honeypot plan (snapshot → terminate → alert), then SIGKILLs the service before the answer reaches it; a
/// service restarted on the same store finishes the plan, and the effects are counted in moto.
@Suite(.serialized, .motoServer)
struct CrashWindowTests {
    let moto: MotoServer
    let proxy: FaultProxy
    let instanceId: String
    let interfaceId: String
    let privateIP: String

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        proxy = try FaultProxy(upstream: moto.endpoint)
        let network = try moto.createNetwork(vpcCidr: "10.0.0.0/16", subnetCidr: "10.0.1.0/24")
        (instanceId, interfaceId, privateIP) = try ResponseEndToEndTests.launch(moto, in: network)
    }

    func service(store: String, topicArn: String) throws -> ServiceProcess {
        try ServiceProcess(environment: [
            "FIREBREAK_MODE": "enforce", "FIREBREAK_STORE": store, "FIREBREAK_SNS_TOPIC_ARN": topicArn,
            "AWS_ENDPOINT_URL": proxy.endpoint.absoluteString,
            "AWS_ACCESS_KEY_ID": moto.credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.credentials.secretAccessKey,
            "AWS_REGION": moto.region, "AWS_EC2_METADATA_DISABLED": "true",
        ])
    }

    func rejectedEgress(requestID: String) -> [UInt8] {
        let line = "2 123456789012 \(interfaceId) \(privateIP) 203.0.113.9 43512 6667 6 3 180 1700000100 1700000160 REJECT OK"
        return FirehoseFixture.body(requestID: requestID, records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: [line]))])
    }

    /// The honeypot plan's actions as the admin listener shows them, once every one is final (nil on timeout).
    func finishedPlan(_ service: ServiceProcess, timeout: TimeInterval = 60) throws -> [[String: Any]]? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let list = try service.adminClient().roundTrip(method: "GET", path: "/findings?limit=1000").json?["findings"] as? [[String: Any]] ?? []
            for finding in list {
                guard let id = finding["findingId"] as? String ?? finding["id"] as? String else { continue }
                let detail = try service.adminClient().roundTrip(method: "GET", path: "/findings/\(id)").json
                let actions = (detail?["actions"] as? [[String: Any]] ?? []).filter { $0["playbook"] as? String == "honeypot-egress-contain" }
                if actions.count == 3, actions.allSatisfy({ !["pending", "running"].contains($0["state"] as? String ?? "") }) {
                    return actions
                }
            }
            usleep(200_000)
        }
        return nil
    }

    /// Kills the first service when the proxy has let moto carry out `action`, restarts on the same store and
    /// returns the finished plan and the restarted service.
    func cut(at action: String, topicArn: String) throws -> (plan: [[String: Any]], service: ServiceProcess, store: String) {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("fb-window-\(UUID().uuidString)/f.sqlite").path
        let first = try service(store: store, topicArn: topicArn)
        let pid = first.process.processIdentifier
        proxy.arm(FaultRule(action: action) { _ in _ = ProcessKiller.kill(pid) })
        let answer = try FirehoseIntakeTests.post(try first.client(), requestID: "window-1", body: rejectedEgress(requestID: "window-1"))
        #expect(answer.status == 200)
        let cut = try #require(proxy.waitForCut(timeout: .seconds(60)), "no \(action) was sent: \(first.output.suffix(3000))")
        #expect(cut.status == 200, "moto did not carry out \(action): \(cut.responseText.prefix(500))")
        #expect(first.waitForExit(timeout: 10) != nil, "the service outlived the cut")
        let second = try service(store: store, topicArn: topicArn)
        let plan = try #require(try finishedPlan(second), "the restarted service did not finish the plan: \(second.output.suffix(3000))")
        return (plan, second, store)
    }

    /// Snapshots of the honeypot's volumes taken for a finding, by volume.
    func evidence() throws -> [String: Int] {
        var request = EC2Client.request("DescribeSnapshots")
        request.add("Filter.1.Name", "tag-key")
        request.add("Filter.1.Value.1", "firebreak:finding-id")
        var perVolume: [String: Int] = [:]
        for item in try moto.ec2.call(request).items("snapshotSet") { perVolume[item.string("volumeId") ?? "", default: 0] += 1 }
        return perVolume
    }

    func expectOneSnapshotPerVolumeAndTerminated(_ plan: [[String: Any]]) throws {
        let perVolume = try evidence()
        #expect(perVolume.count == 2 && perVolume.values.allSatisfy { $0 == 1 }, "snapshots per volume: \(perVolume)")
        #expect(try moto.ec2.describeInstances(ids: [instanceId]).first?.state == .terminated)
        #expect(plan.map { $0["state"] as? String } == ["done", "done", "done"], "\(plan)")
    }

    @Test func afterCreateSnapshotsNoSecondSetIsTaken() throws {
        let (topicArn, queue) = try moto.topicWithQueue("alerts-snap")
        let (plan, service, store) = try cut(at: "CreateSnapshots", topicArn: topicArn)
        defer { try? FileManager.default.removeItem(atPath: (store as NSString).deletingLastPathComponent) }
        try expectOneSnapshotPerVolumeAndTerminated(plan)
        #expect(try queue.collect(atLeast: 1, timeout: .seconds(10)).count == 1)
        withExtendedLifetime(service) {}
    }

    @Test func afterTerminateInstancesItIsNotTerminatedAgainAndTheAlertGoesOut() throws {
        let (topicArn, queue) = try moto.topicWithQueue("alerts-term")
        let (plan, service, store) = try cut(at: "TerminateInstances", topicArn: topicArn)
        defer { try? FileManager.default.removeItem(atPath: (store as NSString).deletingLastPathComponent) }
        try expectOneSnapshotPerVolumeAndTerminated(plan)
        #expect(proxy.actions.filter { $0 == "TerminateInstances" }.count == 1, "\(proxy.actions)")
        #expect(try queue.collect(atLeast: 1, timeout: .seconds(10)).count == 1)
        withExtendedLifetime(service) {}
    }

    /// FIFO topic: the publish is repeated after the restart, SNS delivers it once (deduplicated by action id).
    @Test func afterPublishToAFIFOTopicExactlyOneMessage() throws {
        let (topicArn, queue) = try moto.topicWithQueue("alerts-window", fifo: true)
        let (plan, service, store) = try cut(at: "Publish", topicArn: topicArn)
        defer { try? FileManager.default.removeItem(atPath: (store as NSString).deletingLastPathComponent) }
        try expectOneSnapshotPerVolumeAndTerminated(plan)
        #expect(proxy.actions.filter { $0 == "Publish" }.count == 2, "the alert was not repeated: \(proxy.actions)")
        let messages = try queue.collect(atLeast: 1, timeout: .seconds(10), settle: .seconds(2))
        #expect(messages.count == 1, "\(messages.map(\.body))")
        withExtendedLifetime(service) {}
    }

    /// Standard topic: at least once, at most twice, every copy naming the same action so subscribers drop it.
    @Test func afterPublishToAStandardTopicRepeatsNameTheSameAction() throws {
        let (topicArn, queue) = try moto.topicWithQueue("alerts-standard")
        let (plan, service, store) = try cut(at: "Publish", topicArn: topicArn)
        defer { try? FileManager.default.removeItem(atPath: (store as NSString).deletingLastPathComponent) }
        try expectOneSnapshotPerVolumeAndTerminated(plan)
        let messages = try queue.collect(atLeast: 2, timeout: .seconds(10), settle: .seconds(2))
        #expect((1...2).contains(messages.count), "\(messages.count) messages")
        let actionIDs = Set(messages.compactMap { $0.sns.attributes["firebreak.action_id"] })
        #expect(actionIDs.count == 1, "\(messages.map(\.sns.attributes))")
        // The alert names the instance and the snapshots taken.
        let text = try #require(messages.first?.sns.message)
        #expect(text.contains("instance \(instanceId)"))
        #expect(text.contains("snapshot") && text.contains("snap-"), "\(text.prefix(800))")
        withExtendedLifetime(service) {}
    }
}
