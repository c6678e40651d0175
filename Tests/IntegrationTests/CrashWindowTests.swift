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
    let world: ProxiedHoneypot
    var moto: MotoServer { world.moto }
    var proxy: FaultProxy { world.proxy }

    init() throws {
        world = try ProxiedHoneypot()
    }

    /// Kills the first service when the proxy has let moto carry out `action`, restarts on the same store and
    /// returns the finished honeypot plan and the restarted service.
    func cut(at action: String, topicArn: String) throws -> (plan: [[String: Any]], service: ServiceProcess) {
        let store = world.file("\(action).sqlite")
        let first = try world.service(store: store, topicArn: topicArn)
        _ = try world.killWhenMotoHasDone(action, service: first, requestID: "window-1", body: world.rejectedEgress(requestID: "window-1"))
        let second = try world.service(store: store, topicArn: topicArn)
        let plan = try #require(try world.finishedPlan(second, playbook: "honeypot-egress-contain", count: 3),
                                "the restarted service did not finish the plan: \(second.output.suffix(3000))")
        return (plan, second)
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
        #expect(try moto.ec2.describeInstances(ids: [world.instanceId]).first?.state == .terminated)
        #expect(plan.map { $0["state"] as? String } == ["done", "done", "done"], "\(plan)")
    }

    @Test func afterCreateSnapshotsNoSecondSetIsTaken() throws {
        let (topicArn, queue) = try moto.topicWithQueue("alerts-snap")
        let (plan, service) = try cut(at: "CreateSnapshots", topicArn: topicArn)
        try expectOneSnapshotPerVolumeAndTerminated(plan)
        #expect(try queue.collect(atLeast: 1, timeout: .seconds(10)).count == 1)
        withExtendedLifetime(service) {}
    }

    @Test func afterTerminateInstancesItIsNotTerminatedAgainAndTheAlertGoesOut() throws {
        let (topicArn, queue) = try moto.topicWithQueue("alerts-term")
        let (plan, service) = try cut(at: "TerminateInstances", topicArn: topicArn)
        try expectOneSnapshotPerVolumeAndTerminated(plan)
        #expect(proxy.actions.filter { $0 == "TerminateInstances" }.count == 1, "\(proxy.actions)")
        #expect(try queue.collect(atLeast: 1, timeout: .seconds(10)).count == 1)
        withExtendedLifetime(service) {}
    }

    /// FIFO topic: the publish is repeated after the restart, SNS delivers it once (deduplicated by action id).
    @Test func afterPublishToAFIFOTopicExactlyOneMessage() throws {
        let (topicArn, queue) = try moto.topicWithQueue("alerts-window", fifo: true)
        let (plan, service) = try cut(at: "Publish", topicArn: topicArn)
        try expectOneSnapshotPerVolumeAndTerminated(plan)
        #expect(proxy.actions.filter { $0 == "Publish" }.count == 2, "the alert was not repeated: \(proxy.actions)")
        let messages = try queue.collect(atLeast: 1, timeout: .seconds(10), settle: .seconds(2))
        #expect(messages.count == 1, "\(messages.map(\.body))")
        withExtendedLifetime(service) {}
    }

    /// Standard topic: at least once, at most twice, every copy naming the same action so subscribers drop it.
    @Test func afterPublishToAStandardTopicRepeatsNameTheSameAction() throws {
        let (topicArn, queue) = try moto.topicWithQueue("alerts-standard")
        let (plan, service) = try cut(at: "Publish", topicArn: topicArn)
        try expectOneSnapshotPerVolumeAndTerminated(plan)
        let messages = try queue.collect(atLeast: 2, timeout: .seconds(10), settle: .seconds(2))
        #expect((1...2).contains(messages.count), "\(messages.count) messages")
        let actionIDs = Set(messages.compactMap { $0.sns.attributes["firebreak.action_id"] })
        #expect(actionIDs.count == 1, "\(messages.map(\.sns.attributes))")
        // The alert names the instance and the snapshots taken.
        let text = try #require(messages.first?.sns.message)
        #expect(text.contains("instance \(world.instanceId)"))
        #expect(text.contains("snapshot") && text.contains("snap-"), "\(text.prefix(800))")
        withExtendedLifetime(service) {}
    }

    /// A world-open SSH rule reported by CloudTrail: moto revokes it, the service dies before the answer; the
    /// restarted service revokes again, finds nothing left ("already revoked"), and the alert goes out once.
    @Test func afterRevokeSecurityGroupIngressTheRuleIsGoneTheOthersStayAndOneAlert() throws {
        let (topicArn, queue) = try moto.topicWithQueue("alerts-revoke", fifo: true)
        // Besides the world-open SSH rule: HTTPS from anywhere and SSH from inside, which must both stay.
        let (groupId, ruleId) = try world.worldOpenSSHGroup("web", others: [
            EC2IpPermission(ipProtocol: "tcp", fromPort: 443, toPort: 443, ipv4Ranges: [EC2IpRange("0.0.0.0/0")]),
            EC2IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("10.0.0.0/16")]),
        ])
        let kept: Set = ["tcp 443 0.0.0.0/0", "tcp 22 10.0.0.0/16"]
        #expect(try world.ingress(groupId) == kept.union(["tcp 22 0.0.0.0/0"]))
        let store = world.file("revoke.sqlite")
        let first = try world.service(store: store, topicArn: topicArn)
        let record = FirehoseFixture.authorizeIngressRecord(groupId: groupId, ruleId: ruleId)
        let cut = try world.killWhenMotoHasDone("RevokeSecurityGroupIngress", service: first, requestID: "ct-window-1",
                                                body: FirehoseFixture.cloudTrailDelivery(requestID: "ct-window-1", records: [record]))
        #expect(String(decoding: cut.request, as: UTF8.self).contains(groupId))
        #expect(try world.ingress(groupId) == kept, "moto revoked before the kill")

        let second = try world.service(store: store, topicArn: topicArn)
        let plan = try #require(try world.finishedPlan(second, playbook: "world-open-ingress-revoke", count: 2),
                                "the restarted service did not finish the plan: \(second.output.suffix(3000))")
        #expect(plan.map { $0["step"] as? String } == ["revoke-ingress", "alert"])
        #expect(plan.map { $0["state"] as? String } == ["done", "done"], "\(plan)")
        let reason = plan.first?["reason"] as? String ?? ""
        #expect(reason.contains("already revoked") && reason.contains(groupId), "\(reason)")
        #expect(proxy.actions.filter { $0 == "RevokeSecurityGroupIngress" }.count == 2, "\(proxy.actions)")
        #expect(try world.ingress(groupId) == kept)
        let messages = try queue.collect(atLeast: 1, timeout: .seconds(10), settle: .seconds(2))
        #expect(messages.count == 1, "\(messages.map(\.body))")
        #expect(messages.first?.sns.message.contains(groupId) == true)
        withExtendedLifetime(second) {}
    }
}
