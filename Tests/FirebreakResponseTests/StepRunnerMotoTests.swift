import FirebreakAWS
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakResponse

/// The step runner and the resolver against a real moto_server: every test resets moto and builds a VPC, a
/// subnet and a honeypot instance with a root and two data volumes.
@Suite(.serialized, .motoServer)
struct StepRunnerMotoTests {
    let moto: MotoServer
    let vpcId: String
    let instanceId: String
    let interfaceId: String

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        let network = try moto.createNetwork(vpcCidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24")
        vpcId = network.vpcId
        let instance = try moto.launchInstance(in: network, volumes: [("/dev/sda1", 8), ("/dev/sdf", 2), ("/dev/sdg", 3)],
                                               deleteOnTermination: true, tags: [("Honeypot", "true")])
        instanceId = instance.instanceId
        interfaceId = instance.interfaceId
    }

    // MARK: Helpers

    func runner(topic: String? = nil, resolver: ResourceResolver? = nil) -> StepRunner {
        StepRunner(ec2: moto.ec2, sns: moto.sns, cloudTrail: moto.cloudTrail, resolver: resolver, alertTopicArn: topic)
    }

    func action(_ kind: StepKind, options: [String: String] = [:], resourceType: String = "instance",
                resource: String? = nil, payload: String = "{}", finding: String = "f-1") -> PlannedAction {
        let resourceID = resource ?? instanceId
        return PlannedAction(id: "a-\(kind.rawValue)-\(resourceID)", findingID: finding, ruleID: "rule-ssh-scan",
                             playbook: "honeypot", sequence: 1, step: PlaybookStep(kind, options: options),
                             resourceType: resourceType, resourceID: resourceID,
                             idempotencyKey: "\(kind.rawValue)|\(resourceID)", payload: payload)
    }

    func described() throws -> EC2Instance {
        try #require(moto.ec2.describeInstances(ids: [instanceId]).first)
    }

    func resolved() throws -> ResolvedInstance {
        ResolvedInstance(try described(), region: moto.region)
    }

    func attribute(_ name: String) throws -> String? {
        var request = EC2Client.request("DescribeInstanceAttribute")
        request.add("InstanceId", instanceId)
        request.add("Attribute", name)
        return try moto.ec2.call(request).string(name, "value")
    }

    /// Snapshots tagged with a finding id: (snapshot id, volume id, tags).
    func snapshots(finding: String) throws -> [(id: String, volume: String, tags: [String: String])] {
        var request = EC2Client.request("DescribeSnapshots")
        request.add("Filter.1.Name", "tag:firebreak:finding-id")
        request.add("Filter.1.Value.1", finding)
        return try moto.ec2.call(request).items("snapshotSet").map { item in
            var tags: [String: String] = [:]
            for tag in item.items("tagSet") { tags[tag.string("key") ?? ""] = tag.string("value") ?? "" }
            return (item.string("snapshotId") ?? "", item.string("volumeId") ?? "", tags)
        }
    }

    func quarantineGroups() throws -> [EC2SecurityGroup] {
        try moto.ec2.describeSecurityGroups(filters: [EC2Filter(name: "group-name", values: ["firebreak-quarantine"])])
    }

    // MARK: Resolver

    @Test func resolvesByInstanceIdAndByInterfaceFromTheCache() throws {
        let resolver = ResourceResolver(ec2: moto.ec2, accountId: "123456789012")
        let before = moto.transport.count
        let byId = try #require(try resolver.instance(id: instanceId))
        #expect(moto.transport.count == before + 1)
        #expect(byId.instanceId == instanceId)
        #expect(byId.state == .running)
        #expect(byId.vpcId == vpcId)
        #expect(byId.subnetId != nil)
        #expect(byId.accountId == "123456789012")
        #expect(byId.region == "us-east-1")
        #expect(byId.tags[key: "Honeypot"] == "true")
        #expect(Set(byId.volumes.map(\.deviceName)) == ["/dev/sda1", "/dev/sdf", "/dev/sdg"])
        #expect(byId.volumes.allSatisfy { $0.volumeId != nil && $0.deleteOnTermination == true })
        #expect(byId.networkInterfaces.map(\.networkInterfaceId) == [interfaceId])
        #expect(byId.networkInterfaces[0].groupIds.count == 1)

        // Cached: no request for the same instance, nor for its interface (learnt from DescribeInstances).
        #expect(try resolver.instance(id: instanceId) == byId)
        #expect(try resolver.instance(forNetworkInterface: interfaceId) == byId)
        #expect(moto.transport.count == before + 1)

        // A fresh resolver goes through DescribeNetworkInterfaces, then DescribeInstances; then caches both.
        let fresh = ResourceResolver(ec2: moto.ec2)
        let start = moto.transport.count
        #expect(try fresh.instance(forNetworkInterface: interfaceId)?.instanceId == instanceId)
        let actions = moto.transport.bodies(since: start).compactMap { body in
            body.split(separator: "&").first { $0.hasPrefix("Action=") }.map { String($0.dropFirst(7)) }
        }
        #expect(actions == ["DescribeNetworkInterfaces", "DescribeInstances"])
        #expect(try fresh.instance(forNetworkInterface: interfaceId)?.instanceId == instanceId)
        #expect(moto.transport.count == start + 2)

        // Invalidated: asked again.
        resolver.invalidate(instanceId)
        #expect(try resolver.instance(id: instanceId)?.instanceId == instanceId)
        #expect(moto.transport.count == start + 3)

        // Unknowns are nil, and cached as such.
        #expect(try resolver.instance(id: "i-0123456789abcdef0") == nil)
        #expect(try resolver.instance(forNetworkInterface: "eni-0123456789abcdef0") == nil)
        let afterMisses = moto.transport.count
        #expect(try resolver.instance(id: "i-0123456789abcdef0") == nil)
        #expect(try resolver.instance(forNetworkInterface: "eni-0123456789abcdef0") == nil)
        #expect(moto.transport.count == afterMisses)
    }

    @Test func resolverEntriesExpire() throws {
        let resolver = ResourceResolver(ec2: moto.ec2, ttl: .milliseconds(100))
        _ = try resolver.instance(id: instanceId)
        let start = moto.transport.count
        _ = try resolver.instance(id: instanceId)
        #expect(moto.transport.count == start)
        Thread.sleep(forTimeInterval: 0.15)
        _ = try resolver.instance(id: instanceId)
        #expect(moto.transport.count == start + 1)
    }

    // MARK: Steps

    /// The payload's tag (placeholders are filled when planned: ResponsePlannerTests); a repeat is done.
    @Test func tagSetsThePayloadsTag() throws {
        let outcome = try runner().run(action(.tag, payload: #"{"key":"firebreak:status","value":"rule-ssh-scan/f-1"}"#),
                                       mode: .enforce, instance: resolved())
        #expect(outcome.status == .done)
        #expect(try described().tags[key: "firebreak:status"] == "rule-ssh-scan/f-1")
        // Default key and value: the finding id; a repeat is done.
        _ = try runner().run(action(.tag), mode: .enforce, instance: nil)
        #expect(try described().tags[key: "firebreak:finding-id"] == "f-1")
        #expect(try runner().run(action(.tag), mode: .enforce, instance: resolved()).status == .done)
    }

    @Test func snapshotTakesEveryVolumeTaggedWithTheFinding() throws {
        let volumeIds = Set(try described().blockDeviceMappings.compactMap(\.volumeId))
        #expect(volumeIds.count == 3)
        let outcome = try runner().run(action(.snapshot), mode: .enforce, instance: resolved())
        #expect(outcome.status == .done)
        #expect(outcome.createdIDs.count == 3)
        let taken = try snapshots(finding: "f-1")
        #expect(Set(taken.map(\.volume)) == volumeIds)
        #expect(Set(taken.map(\.id)) == Set(outcome.createdIDs))
        #expect(taken.allSatisfy { $0.tags["firebreak:rule-id"] == "rule-ssh-scan" && $0.tags["firebreak:finding-id"] == "f-1" })

        // One CreateSnapshots call, not one per volume; a repeat (after a crash) takes nothing new.
        let start = moto.transport.count
        let again = try runner().run(action(.snapshot), mode: .enforce, instance: resolved())
        #expect(again.status == .done)
        #expect(Set(again.createdIDs) == Set(outcome.createdIDs))
        #expect(try snapshots(finding: "f-1").count == 3)
        #expect(!moto.transport.bodies(since: start).contains { $0.contains("Action=CreateSnapshot") })
    }

    @Test func protectEvidenceSetsTheFlags() throws {
        let outcome = try runner().run(action(.protectEvidence), mode: .enforce, instance: resolved())
        #expect(outcome.status == .done)
        #expect(try attribute("disableApiTermination") == "true")
        #expect(try attribute("instanceInitiatedShutdownBehavior") == "stop")
        #expect(try described().blockDeviceMappings.allSatisfy { $0.deleteOnTermination == false })
        // Termination protection holds: terminate is a skip with the reason, the instance keeps running.
        let terminate = try runner().run(action(.terminate), mode: .enforce, instance: resolved())
        #expect(terminate.status == .skipped)
        #expect(terminate.message.contains("termination protection"))
        #expect(try described().state == .running)
    }

    @Test func isolateCreatesTheQuarantineGroupOnceAndMovesTheInterface() throws {
        let resolver = ResourceResolver(ec2: moto.ec2)
        let runner = runner(resolver: resolver)
        let outcome = try runner.run(action(.isolate), mode: .enforce, instance: nil)
        #expect(outcome.status == .done)
        let groups = try quarantineGroups()
        try #require(groups.count == 1)
        let group = groups[0]
        #expect(group.vpcId == vpcId)
        #expect(group.ingress.isEmpty)
        #expect(group.egress.isEmpty)
        #expect(outcome.createdIDs == [group.groupId])
        let interface = try #require(moto.ec2.describeNetworkInterfaces(ids: [interfaceId]).first)
        #expect(interface.groups.map(\.groupId) == [group.groupId])

        // Again (a second finding, or a repeat after a crash): the same group, nothing to move.
        let again = try runner.run(action(.isolate), mode: .enforce, instance: nil)
        #expect(again.status == .done)
        #expect(again.createdIDs.isEmpty)
        #expect(again.message.contains("already isolated"))
        #expect(try quarantineGroups().map(\.groupId) == [group.groupId])

        // A new runner (a restart) finds the group by name rather than making another.
        let restarted = StepRunner(ec2: moto.ec2)
        #expect(try restarted.run(action(.isolate), mode: .enforce, instance: resolved()).status == .done)
        #expect(try quarantineGroups().count == 1)
    }

    @Test func isolateRepairsAHalfMadeGroupAndDryRunsTheMove() throws {
        // A crash between CreateSecurityGroup and RevokeSecurityGroupEgress left the default egress rule.
        let groupId = try moto.ec2.createSecurityGroup(name: "firebreak-quarantine", description: "half made", vpcId: vpcId)
        #expect(try #require(moto.ec2.describeSecurityGroups(ids: [groupId]).first).egress.isEmpty == false)

        // A dry run uses the group as it is and dry-runs the move.
        let start = moto.transport.count
        let dry = try runner().run(action(.isolate), mode: .dryRun, instance: resolved())
        #expect(dry.status == .done && dry.dryRun)
        let moves = moto.transport.bodies(since: start).filter { $0.contains("Action=ModifyNetworkInterfaceAttribute") }
        #expect(moves.count == 1 && moves[0].contains("DryRun=true"))
        #expect(try moto.ec2.describeNetworkInterfaces(ids: [interfaceId]).first?.groups.map(\.groupId) != [groupId])

        let outcome = try runner().run(action(.isolate), mode: .enforce, instance: resolved())
        #expect(outcome.status == .done)
        #expect(outcome.createdIDs.isEmpty)
        let group = try #require(moto.ec2.describeSecurityGroups(ids: [groupId]).first)
        #expect(group.egress.isEmpty && group.ingress.isEmpty)
        #expect(try quarantineGroups().count == 1)
        #expect(try moto.ec2.describeNetworkInterfaces(ids: [interfaceId]).first?.groups.map(\.groupId) == [groupId])
    }

    @Test func stopThenTerminateAndRepeatsAreDone() throws {
        let stop = try runner().run(action(.stop), mode: .enforce, instance: resolved())
        #expect(stop.status == .done)
        #expect([EC2InstanceState.stopping, .stopped].contains(try described().state))
        #expect(try runner().run(action(.stop), mode: .enforce, instance: resolved()).status == .done)

        let terminate = try runner().run(action(.terminate), mode: .enforce, instance: resolved())
        #expect(terminate.status == .done)
        #expect([EC2InstanceState.shuttingDown, .terminated].contains(try described().state))
        // A repeat after a crash, with a stale (running) view of the instance, and with a fresh one.
        var stale = try resolved()
        stale.state = .running
        #expect(try runner().run(action(.terminate), mode: .enforce, instance: stale).status == .done)
        #expect(try runner().run(action(.terminate), mode: .enforce, instance: resolved()).status == .done)
        #expect(try runner().run(action(.stop), mode: .enforce, instance: stale).status == .done)
        // An instance EC2 does not know is done too.
        let unknown = action(.terminate, resource: "i-0123456789abcdef0")
        #expect(try runner(resolver: ResourceResolver(ec2: moto.ec2)).run(unknown, mode: .enforce, instance: nil).status
            == .done)
    }

    @Test func terminateWaitsForTheFindingsSnapshotWhenThePlanHasOne() throws {
        let guarded = action(.terminate, payload: #"{"requireSnapshot": true}"#)
        let refused = try runner().run(guarded, mode: .enforce, instance: resolved())
        #expect(refused.status == .skipped)
        #expect(refused.message.contains("evidence before containment"))
        #expect(try described().state == .running)
        _ = try runner().run(action(.snapshot), mode: .enforce, instance: resolved())
        #expect(try runner().run(guarded, mode: .enforce, instance: resolved()).status == .done)
        #expect([EC2InstanceState.shuttingDown, .terminated].contains(try described().state))
    }

    @Test func dryRunSendsDryRunAndChangesNothing() throws {
        let runner = runner()
        let start = moto.transport.count
        for kind in [StepKind.tag, .snapshot, .protectEvidence, .isolate, .stop, .terminate] {
            let outcome = try runner.run(action(kind), mode: .dryRun, instance: resolved())
            #expect(outcome.status == .done, "\(kind)")
            #expect(outcome.dryRun, "\(kind)")
            #expect(outcome.message.hasPrefix("dry run: would have succeeded"), "\(kind): \(outcome.message)")
            #expect(outcome.createdIDs.isEmpty, "\(kind)")
        }
        // Every changing call carried DryRun=true.
        let changing = moto.transport.bodies(since: start).filter { !$0.contains("Action=Describe") }
        #expect(changing.count >= 9)
        for body in changing { #expect(body.contains("DryRun=true"), "\(body)") }
        // Nothing changed.
        let instance = try described()
        #expect(instance.state == .running)
        #expect(instance.tags[key: "firebreak:finding-id"] == nil)
        #expect(instance.blockDeviceMappings.allSatisfy { $0.deleteOnTermination == true })
        #expect(try attribute("disableApiTermination") == "false")
        #expect(try snapshots(finding: "f-1").isEmpty)
        #expect(try quarantineGroups().isEmpty)
    }

    @Test func observeSkipsEverythingButAlerts() throws {
        let topic = try createTopic()
        let runner = runner(topic: topic)
        let instance = try resolved()
        let start = moto.transport.count
        // The outputs (alert, event, the Security Hub export) change nothing in the account: they run in every mode.
        #expect(StepKind.allCases.filter { !$0.changesAccount } == [.alert, .event, .securityHub])
        for kind in StepKind.allCases where kind.changesAccount {
            let outcome = try runner.run(action(kind, payload: #"{"groupId": "sg-1", "permissions": []}"#),
                                         mode: .observe, instance: instance)
            #expect(outcome.status == .skipped, "\(kind)")
            #expect(outcome.message.hasPrefix("observe mode"), "\(kind)")
        }
        #expect(moto.transport.count == start)
        #expect(try runner.run(action(.alert), mode: .observe, instance: nil).status == .done)
        #expect(try moto.sentNotifications(topicArn: topic).count == 1)
        #expect(try described().state == .running)
    }

    @Test func revokeIngressRemovesExactlyThePermission() throws {
        let ec2 = moto.ec2
        let groupId = try ec2.createSecurityGroup(name: "web", description: "web tier", vpcId: vpcId)
        let ssh = EC2IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("0.0.0.0/0")],
                                  ipv6Ranges: [EC2IpRange("::/0")])
        let https = EC2IpPermission(ipProtocol: "tcp", fromPort: 443, toPort: 443, ipv4Ranges: [EC2IpRange("0.0.0.0/0")])
        try ec2.authorizeSecurityGroupIngress(groupId: groupId, permissions: [ssh, https])
        let payload = RevokeIngressPayload(groupId: groupId, permissions: [
            .init(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [.init("0.0.0.0/0")], ipv6Ranges: [.init("::/0")]),
        ])
        let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        let revoke = action(.revokeIngress, resourceType: "security-group", resource: groupId, payload: json)

        let dry = try runner().run(revoke, mode: .dryRun, instance: nil)
        #expect(dry.status == .done && dry.dryRun)
        #expect(try #require(ec2.describeSecurityGroups(ids: [groupId]).first).ingress.count == 2)

        let outcome = try runner().run(revoke, mode: .enforce, instance: nil)
        #expect(outcome.status == .done)
        #expect(outcome.message.contains("tcp 22 0.0.0.0/0,::/0"))
        #expect(try #require(ec2.describeSecurityGroups(ids: [groupId]).first).ingress == [https])
        // Already gone: done.
        let again = try runner().run(revoke, mode: .enforce, instance: nil)
        #expect(again.status == .done)
        #expect(try #require(ec2.describeSecurityGroups(ids: [groupId]).first).ingress == [https])
    }

    @Test func startLoggingOnATrail() throws {
        struct CreateTrail: Encodable {
            var Name: String
            var S3BucketName: String
        }
        struct Trail: Decodable { var TrailARN: String }
        // An unsigned S3 call: made with signature checking off.
        try moto.withoutAuthentication { try moto.createBucket("firebreak-trail-logs") }
        let trail = try moto.cloudTrail.call("CreateTrail", CreateTrail(Name: "org-trail", S3BucketName: "firebreak-trail-logs"),
                                             as: Trail.self)
        #expect(try moto.cloudTrail.getTrailStatus(name: "org-trail").isLogging == false)
        #expect(trail.TrailARN.hasSuffix(":trail/org-trail"))
        // By name: moto 5.2.1's StartLogging looks trails up by name only (a KeyError, HTTP 500, for an ARN),
        // where AWS takes either.
        let start = action(.startLogging, resourceType: "trail", resource: "ignored-when-the-payload-names-one",
                           payload: #"{"trail": "org-trail"}"#)
        let dry = try runner().run(start, mode: .dryRun, instance: nil)
        #expect(dry.status == .skipped && dry.dryRun)
        #expect(try moto.cloudTrail.getTrailStatus(name: "org-trail").isLogging == false)
        #expect(try runner().run(start, mode: .enforce, instance: nil).status == .done)
        #expect(try moto.cloudTrail.getTrailStatus(name: "org-trail").isLogging)
        #expect(try runner().run(start, mode: .enforce, instance: nil).status == .done)
        // The dry run of a trail that logs is done; without a payload, the resource is the trail.
        let byResource = action(.startLogging, resourceType: "trail", resource: "org-trail")
        #expect(try runner().run(byResource, mode: .dryRun, instance: nil).status == .done)
        #expect(try runner().run(byResource, mode: .enforce, instance: nil).status == .done)
        // No CloudTrail client: skipped.
        #expect(try StepRunner(ec2: moto.ec2).run(byResource, mode: .enforce, instance: nil).status == .skipped)
    }

    func createTopic() throws -> String {
        var create = SNSClient.request("CreateTopic")
        create.add("Name", "firebreak-alerts")
        return try #require(moto.sns.call(create).string("CreateTopicResult", "TopicArn"))
    }

    @Test func alertPublishesReadableTextAndAttributes() throws {
        let topic = try createTopic()
        let payload = AlertPayload(subject: "Firebreak: SSH scan from 203.0.113.9 — honeypot", message: "An SSH scan hit the honeypot.",
                                   level: "high", ruleId: "rule-ssh-scan",
                                   finding: .object(["id": .string("f-1"), "srcaddr": .string("203.0.113.9"),
                                                     "dstport": .number(22), "count": .number(40)]))
        let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        let outcome = try runner(topic: topic).run(action(.alert, resourceType: "instance", payload: json),
                                                   mode: .enforce, instance: nil)
        #expect(outcome.status == .done)
        let sent = try moto.sentNotifications(topicArn: topic)
        try #require(sent.count == 1)
        #expect(outcome.createdIDs == [try #require(sent[0][0] as? String)])
        let message = try #require(sent[0][1] as? String)
        #expect(message.hasPrefix("An SSH scan hit the honeypot.\n\nFirebreak finding f-1\nRule: rule-ssh-scan\nLevel: high"))
        #expect(message.contains("Resource: instance \(instanceId)"))
        #expect(message.hasSuffix(#"{"count":40,"dstport":22,"id":"f-1","srcaddr":"203.0.113.9"}"#))
        #expect(sent[0][2] as? String == "Firebreak: SSH scan from 203.0.113.9 ? honeypot")
        let attributes = try #require(sent[0][3] as? [String: [String: String]])
        #expect(attributes["level"] == ["Type": "String", "Value": "high"])
        #expect(attributes["rule_id"] == ["Type": "String", "Value": "rule-ssh-scan"])

        // Without a topic: skipped, with the key to set.
        let skipped = try runner().run(action(.alert), mode: .enforce, instance: nil)
        #expect(skipped.status == .skipped)
        #expect(skipped.message == "no alerts.sns_topic_arn configured")
    }

    func createTopic(fifo: Bool) throws -> String {
        var create = SNSClient.request("CreateTopic")
        create.add("Name", fifo ? "firebreak-alerts.fifo" : "firebreak-alerts-2")
        if fifo {
            create.add("Attributes.entry.1.key", "FifoTopic")
            create.add("Attributes.entry.1.value", "true")
        }
        return try #require(moto.sns.call(create).string("CreateTopicResult", "TopicArn"))
    }

    /// A FIFO topic gets the action id as deduplication id (so a repeat after a crash is delivered once); every
    /// alert names its action and finding in attributes, so subscribers of a standard topic can drop repeats.
    @Test func alertsCarryTheirActionIDAndUseFIFODeduplication() throws {
        let fifo = try createTopic(fifo: true)
        let alert = action(.alert, payload: #"{"subject":"s","level":"high"}"#)
        let outcome = try runner(topic: fifo).run(alert, mode: .enforce, instance: nil)
        #expect(outcome.status == .done, "\(outcome.message)")
        #expect(outcome.message.contains("FIFO"))
        let sent = try moto.sentNotifications(topicArn: fifo)
        try #require(sent.count == 1)
        let attributes = try #require(sent[0][3] as? [String: [String: String]])
        #expect(attributes["firebreak.action_id"]?["Value"] == alert.id)
        #expect(attributes["firebreak.finding_id"]?["Value"] == alert.findingID)
        #expect(AlertStep.deduplicationID(String(repeating: "x", count: 200)).count <= 128)
    }

    /// The step's topic option wins over the configured topic; the text names the instance behind an ENI, the
    /// account and region, and the steps taken with their outcome (snapshot ids).
    @Test func alertUsesTheStepsTopicAndNamesWhatWasDone() throws {
        let configured = try createTopic()
        let own = try createTopic(fifo: false)
        var planned = action(.snapshot)
        planned.state = .done
        planned.reason = "requested 3 snapshots of \(instanceId)"
        let snapshot = ActionRecord(action: planned, attempts: 1, lastError: nil, awsRequestIDs: [], createdAt: Date(),
                                    updatedAt: Date(), notBefore: Date(), createdIDs: ["snap-1", "snap-2", "snap-3"])
        let context = AlertContext(instanceID: instanceId, accountID: "123456789012", region: "us-east-1", steps: [snapshot])
        let alert = action(.alert, resourceType: "network-interface", resource: interfaceId,
                           payload: #"{"subject":"s","topic":"\#(own)"}"#)
        let outcome = try runner(topic: configured).run(alert, mode: .enforce, instance: nil, context: context)
        #expect(outcome.status == .done)
        #expect(try moto.sentNotifications(topicArn: configured).isEmpty)
        let sent = try moto.sentNotifications(topicArn: own)
        try #require(sent.count == 1)
        let message = try #require(sent[0][1] as? String)
        #expect(message.contains("Resource: network-interface \(interfaceId) (instance \(instanceId))"))
        #expect(message.contains("Account: 123456789012, region: us-east-1"))
        #expect(message.contains("Steps taken:\n  1. snapshot \(instanceId): done, created snap-1, snap-2, snap-3 (requested 3 snapshots of \(instanceId))"))
    }

    /// `isolate: {security_group}` moves the interfaces to that group, and creates no quarantine group.
    @Test func isolateUsesTheStepsSecurityGroup() throws {
        let group = try moto.ec2.createSecurityGroup(name: "incident-response", description: "chosen", vpcId: vpcId)
        let outcome = try runner().run(action(.isolate, payload: #"{"securityGroup":"\#(group)"}"#), mode: .enforce,
                                       instance: try resolved())
        #expect(outcome.status == .done)
        #expect(try described().networkInterfaces.first?.groups.map(\.groupId) == [group])
        #expect(try quarantineGroups().isEmpty)
    }

    /// `snapshot: {description}` is the snapshots' description; the payload's tags are added to the evidence tags.
    @Test func snapshotUsesTheStepsDescriptionAndTags() throws {
        let payload = #"{"description":"Evidence for f-1","tags":{"team":"ir","firebreak:finding-id":"forged"}}"#
        let outcome = try runner().run(action(.snapshot, payload: payload), mode: .enforce, instance: try resolved())
        #expect(outcome.status == .done)
        let taken = try snapshots(finding: "f-1")
        #expect(taken.count == 3)
        #expect(taken.allSatisfy { $0.tags["team"] == "ir" && $0.tags["firebreak:finding-id"] == "f-1" })
        var request = EC2Client.request("DescribeSnapshots")
        request.add("SnapshotId.1", taken[0].id)
        #expect(try moto.ec2.call(request).items("snapshotSet").first?.string("description") == "Evidence for f-1")
    }
}
