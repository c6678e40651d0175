import FirebreakAWS
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakResponse

/// The executor against moto: protection seen on the resource right before acting, and a blast radius that
/// counts the steps that actually ran.
@Suite(.serialized, .motoServer)
struct ActionExecutorMotoTests {
    let moto: MotoServer

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
    }

    static let playbooks = """
        protected:
          tags: {"firebreak:protected": "true"}
          ids: []
        blast_radius:
          max_destructive: 5
          window: 10m
        idempotency_window: 1h
        playbooks:
          - name: contain
            match: {rules: [rule-1]}
            steps: [terminate]
          - name: world-open
            match: {rules: [rule-2]}
            steps: [revoke-ingress]
          - name: quarantine
            match: {rules: [rule-3]}
            steps: [isolate]
          - name: trail
            match: {rules: [rule-4]}
            steps: [start-logging]
        """

    func executor(_ store: ResponseStore, resolver: ResourceResolver, topicArn: String? = nil) throws -> ActionExecutor {
        let playbooks = try PlaybookSet.parse(yaml: Self.playbooks, source: "test")
        let runner = StepRunner(ec2: moto.ec2, sns: moto.sns, cloudTrail: moto.cloudTrail, resolver: resolver,
                                alertTopicArn: topicArn)
        return ActionExecutor(store: store, runner: runner, playbooks: playbooks, mode: .enforce)
    }

    func commit(_ store: ResponseStore, _ actions: [PlannedAction], finding: String) throws {
        var stored = Fixture.finding(finding, instance: actions[0].resourceID)
        stored.resourceType = actions[0].resourceType
        _ = try store.commit(delivery: Fixture.delivery("req-\(finding)", at: Date()), findings: [stored], actions: actions, now: Date())
    }

    /// An alert step with its own `topic` goes out when `alerts.sns_topic_arn` is not set.
    @Test func anAlertWithItsOwnTopicNeedsNoDefaultTopic() throws {
        let (topicArn, queue) = try moto.topicWithQueue("own-topic")
        let store = try ResponseStore(path: ":memory:")
        let payload = AlertPayload(subject: "own topic", message: "text", level: "high", ruleId: "rule-1", topic: topicArn)
        let alert = PlannedAction(id: "alert-own", findingID: "f-own", ruleID: "rule-1", playbook: "report", sequence: 0,
                                  step: PlaybookStep(.alert, options: ["topic": topicArn]), resourceType: "instance",
                                  resourceID: "i-own", idempotencyKey: "alert|rule-1|instance|i-own",
                                  payload: ActionPayload(step: payload, unlessClaimedBy: nil).jsonText)
        try commit(store, [alert], finding: "f-own")
        let resolver = ResourceResolver(ec2: moto.ec2, ttl: .zero, capacity: 16)
        #expect(try executor(store, resolver: resolver, topicArn: nil).runOnce() == 1)
        #expect(try store.action(id: "alert-own")?.state == .done)
        let messages = try queue.collect(atLeast: 1, timeout: .seconds(3))
        #expect(messages.map(\.sns.subject) == ["own topic"])
    }

    /// `alert: {summary: true}` end to end through the executor: the finding's first alert goes out, then (once its
    /// window closed with three matches and the executor's periodic check ran) one summary, through SNS, read back
    /// through an SQS queue subscribed to the topic; later checks plan nothing more.
    @Test func aSummaryAlertGoesOutOnceThroughSNS() throws {
        let (topicArn, queue) = try moto.topicWithQueue("summary")
        let store = try ResponseStore(path: ":memory:")
        let windowEnd = Date().addingTimeInterval(-3600)
        var finding = Fixture.finding("f-sum", instance: "eni-0sum")
        finding.resourceType = "network-interface"
        finding.count = 3
        finding.firstSeenMillis = Int64(windowEnd.timeIntervalSince1970 * 1000) - 1_800_000
        finding.lastSeenMillis = Int64(windowEnd.timeIntervalSince1970 * 1000) - 60_000
        finding.windowEndMillis = Int64(windowEnd.timeIntervalSince1970 * 1000)
        let payload = AlertPayload(subject: "first alert", message: "Rejected egress", level: "high", ruleId: "rule-1", summary: true)
        let alert = PlannedAction(id: "alert-sum", findingID: "f-sum", ruleID: "rule-1", playbook: "report", sequence: 0,
                                  step: PlaybookStep(.alert, options: ["summary": "true"]), resourceType: "network-interface",
                                  resourceID: "eni-0sum", idempotencyKey: "alert|rule-1|network-interface|eni-0sum",
                                  payload: ActionPayload(step: payload, unlessClaimedBy: nil).jsonText)
        _ = try store.commit(delivery: Fixture.delivery("req-sum", at: windowEnd), findings: [finding], actions: [alert], now: Date())
        let resolver = ResourceResolver(ec2: moto.ec2, ttl: .zero, capacity: 16)
        let executor = try executor(store, resolver: resolver, topicArn: topicArn)

        #expect(try executor.runOnce() == 1, "the first alert")
        executor.planSummariesIfDue(now: Date().addingTimeInterval(60))   // the executor's next check, a minute on
        #expect(try executor.runOnce() == 1, "the summary")
        executor.planSummariesIfDue(now: Date().addingTimeInterval(120))
        #expect(try executor.runOnce() == 0, "planned once")

        let messages = try queue.collect(atLeast: 3, timeout: .seconds(3), settle: .seconds(1))
        #expect(messages.map(\.sns.subject) == ["first alert", "Firebreak summary: 3 matches of Title of rule-1 on eni-0sum"])
        #expect(messages.last?.sns.message.contains("matched 3 times") == true)
        #expect(messages.last?.sns.attributes[StepRunner.actionIDAttribute] == "alert-sum-summary")
        #expect(try store.action(id: "alert-sum-summary")?.state == .done)
    }

    /// Six terminations claimed in one batch with a limit of five: five run, the sixth is held, and exactly one
    /// limit alert goes out (read back through an SQS queue subscribed to the topic).
    @Test func theBlastRadiusCountsStepsThatRan() throws {
        let (topicArn, queue) = try moto.topicWithQueue("blast-radius")
        let network = try moto.createNetwork(vpcCidr: "10.30.0.0/16", subnetCidr: "10.30.1.0/24")
        let store = try ResponseStore(path: ":memory:")
        var instances: [String] = []
        for i in 0..<6 {
            let instance = try moto.launchInstance(in: network, volumes: [("/dev/sda1", 8)], deleteOnTermination: true,
                                                   tags: [("Honeypot", "true")])
            instances.append(instance.instanceId)
            let action = PlannedAction(id: "t-\(i)", findingID: "f-\(i)", ruleID: "rule-1", playbook: "contain", sequence: 1,
                                       step: PlaybookStep(.terminate), resourceType: "instance", resourceID: instance.instanceId,
                                       idempotencyKey: "terminate|\(instance.instanceId)", payload: "{}")
            try commit(store, [action], finding: "f-\(i)")
        }
        let resolver = ResourceResolver(ec2: moto.ec2, ttl: .zero, capacity: 16)
        #expect(try executor(store, resolver: resolver, topicArn: topicArn).runOnce(limit: 16) == 6)
        let states = try (0..<6).map { try #require(try store.action(id: "t-\($0)")).state }
        #expect(states.filter { $0 == .done }.count == 5, "\(states)")
        #expect(states.filter { $0 == .held }.count == 1, "\(states)")
        let terminated = try moto.ec2.describeInstances(ids: instances).filter { ["terminated", "shutting-down"].contains($0.state.name) }
        #expect(terminated.count == 5)
        let alerts = try queue.collect(atLeast: 2, timeout: .seconds(3), settle: .seconds(1))
        #expect(alerts.count == 1, "\(alerts.map(\.sns.subject))")
        #expect(alerts.first?.sns.subject?.contains("blast-radius limit") == true)
        #expect(alerts.first?.sns.message.contains(instances[5]) == true)
    }

    /// A world-open rule on a group tagged `firebreak:protected` is not revoked: the executor describes the group
    /// right before acting.
    @Test func aProtectedSecurityGroupIsNotChanged() throws {
        let network = try moto.createNetwork(vpcCidr: "10.31.0.0/16", subnetCidr: "10.31.1.0/24")
        let store = try ResponseStore(path: ":memory:")
        var groups: [String: String] = [:]
        for protected in [true, false] {
            let group = try moto.ec2.createSecurityGroup(name: "sg-\(protected)", description: "test", vpcId: network.vpcId,
                                                         tags: protected ? [EC2Tag(key: "firebreak:protected", value: "true")] : [])
            let open = EC2IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("0.0.0.0/0")])
            _ = try moto.ec2.authorizeSecurityGroupIngress(groupId: group, permissions: [open])
            let payload = #"{"groupId":"\#(group)","permissions":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":["0.0.0.0/0"]}]}"#
            let action = PlannedAction(id: "r-\(protected)", findingID: "f-\(protected)", ruleID: "rule-2", playbook: "world-open",
                                       sequence: 1, step: PlaybookStep(.revokeIngress), resourceType: "security-group",
                                       resourceID: group, idempotencyKey: "revoke|\(group)", payload: payload)
            try commit(store, [action], finding: "f-\(protected)")
            groups["\(protected)"] = group
        }
        let resolver = ResourceResolver(ec2: moto.ec2, ttl: .zero, capacity: 16)
        _ = try executor(store, resolver: resolver).runOnce()
        let protectedAction = try #require(try store.action(id: "r-true"))
        #expect(protectedAction.state == .skipped)
        #expect(protectedAction.reason?.contains("protected") == true, "\(protectedAction.reason ?? "")")
        #expect(try store.action(id: "r-false")?.state == .done)
        let after = try moto.ec2.describeSecurityGroups(ids: [groups["true"]!, groups["false"]!])
        #expect(after.first { $0.groupId == groups["true"] }?.ingress.isEmpty == false, "the protected rule was revoked")
        #expect(after.first { $0.groupId == groups["false"] }?.ingress.isEmpty == true)
    }

    /// `isolate` moves every interface of the instance: an interface tagged `firebreak:protected` stops it, though
    /// the instance itself is not protected. The same step on an instance with unprotected interfaces runs.
    @Test func aProtectedInterfaceIsNotMoved() throws {
        let network = try moto.createNetwork(vpcCidr: "10.32.0.0/16", subnetCidr: "10.32.1.0/24")
        let store = try ResponseStore(path: ":memory:")
        var interfaces: [Bool: (instance: String, eni: String, groups: [String])] = [:]
        for protected in [true, false] {
            let instance = try moto.launchInstance(in: network, volumes: [("/dev/sda1", 8)], deleteOnTermination: true, tags: [("Name", "web-\(protected)")])
            let described = try #require(try moto.ec2.describeInstances(ids: [instance.instanceId]).first)
            let eni = try #require(described.networkInterfaces.first)
            if protected {
                try moto.ec2.createTags(resourceIds: [eni.networkInterfaceId], tags: [EC2Tag(key: "firebreak:protected", value: "true")])
            }
            interfaces[protected] = (instance.instanceId, eni.networkInterfaceId, eni.groups.map(\.groupId))
            let action = PlannedAction(id: "i-\(protected)", findingID: "f-\(protected)", ruleID: "rule-3", playbook: "quarantine",
                                       sequence: 1, step: PlaybookStep(.isolate), resourceType: "instance",
                                       resourceID: instance.instanceId, idempotencyKey: "isolate|\(instance.instanceId)")
            try commit(store, [action], finding: "f-\(protected)")
        }
        let resolver = ResourceResolver(ec2: moto.ec2, ttl: .zero, capacity: 16)
        _ = try executor(store, resolver: resolver).runOnce()
        let held = try #require(try store.action(id: "i-true"))
        let protectedENI = try #require(interfaces[true]).eni
        #expect(held.state == .skipped)
        #expect(held.reason?.contains("protected resource \(protectedENI)") == true, "\(held.reason ?? "")")
        #expect(try store.action(id: "i-false")?.state == .done)
        let after = try moto.ec2.describeNetworkInterfaces(ids: [protectedENI, try #require(interfaces[false]).eni])
        #expect(after.first { $0.networkInterfaceId == protectedENI }?.groups.map(\.groupId) == interfaces[true]?.groups)
        #expect(after.first { $0.networkInterfaceId == interfaces[false]?.eni }?.groups.map(\.groupId) != interfaces[false]?.groups)
    }

    /// `start-logging` describes the trail (GetTrail, then ListTags by ARN): a trail tagged `firebreak:protected`
    /// stays as it is; an untagged one is started.
    @Test func aProtectedTrailIsNotChanged() throws {
        struct CreateTrail: Encodable {
            struct Tag: Encodable { var Key: String; var Value: String }
            var Name: String
            var S3BucketName: String
            var TagsList: [Tag]
        }
        struct Trail: Decodable { var TrailARN: String }
        try moto.withoutAuthentication { try moto.createBucket("firebreak-protected-trails") }
        let store = try ResponseStore(path: ":memory:")
        for protected in [true, false] {
            let tags = protected ? [CreateTrail.Tag(Key: "firebreak:protected", Value: "true")] : []
            _ = try moto.cloudTrail.call("CreateTrail", CreateTrail(Name: "trail-\(protected)", S3BucketName: "firebreak-protected-trails",
                                                                    TagsList: tags), as: Trail.self)
            let action = PlannedAction(id: "s-\(protected)", findingID: "f-\(protected)", ruleID: "rule-4", playbook: "trail",
                                       sequence: 1, step: PlaybookStep(.startLogging), resourceType: "trail",
                                       resourceID: "trail-\(protected)", idempotencyKey: "start-logging|trail-\(protected)")
            try commit(store, [action], finding: "f-\(protected)")
        }
        let resolver = ResourceResolver(ec2: moto.ec2, ttl: .zero, capacity: 16)
        _ = try executor(store, resolver: resolver).runOnce()
        let held = try #require(try store.action(id: "s-true"))
        #expect(held.state == .skipped)
        #expect(held.reason?.contains("protected resource trail-true (tag firebreak:protected") == true, "\(held.reason ?? "")")
        #expect(try store.action(id: "s-false")?.state == .done)
        #expect(try moto.cloudTrail.getTrailStatus(name: "trail-true").isLogging == false)
        #expect(try moto.cloudTrail.getTrailStatus(name: "trail-false").isLogging)
    }
}
