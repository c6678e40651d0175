import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakAWS

/// EC2, SNS and CloudTrail through the real signer and libcurl transport against `moto_server` with signature
/// and IAM checking on: every test resets moto (which creates an IAM user with an admin policy and switches
/// checking on) and calls with that user's keys.
@Suite(.serialized, .motoServer)
struct MotoIntegrationTests {
    let moto: MotoServer
    let keys: AWSCredentials
    static let bucket = "firebreak-trail-logs"

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        keys = moto.credentials
        try moto.withoutAuthentication { try moto.createBucket(Self.bucket) }
    }

    var ec2: EC2Client { EC2Client(client: moto.client(signingName: "ec2", credentials: keys)) }
    var sns: SNSClient { SNSClient(client: moto.client(signingName: "sns", credentials: keys)) }
    var cloudTrail: CloudTrailClient { CloudTrailClient(client: moto.client(signingName: "cloudtrail", credentials: keys)) }

    /// RunInstances (raw Query call): root volume plus two data volumes, tagged.
    private func runInstance() throws -> String {
        let images = try ec2.call(EC2Client.request("DescribeImages"))
        let imageId = try #require(images.items("imagesSet").first?.string("imageId"))
        var request = EC2Client.request("RunInstances")
        request.add("ImageId", imageId)
        request.add("MinCount", 1)
        request.add("MaxCount", 1)
        request.add("InstanceType", "t3.micro")
        for (index, (device, size)) in [("/dev/sda1", 8), ("/dev/sdf", 2), ("/dev/sdg", 3)].enumerated() {
            request.add("BlockDeviceMapping.\(index + 1).DeviceName", device)
            request.add("BlockDeviceMapping.\(index + 1).Ebs.VolumeSize", size)
        }
        request.add("TagSpecification.1.ResourceType", "instance")
        request.add("TagSpecification.1.Tag.1.Key", "Name")
        request.add("TagSpecification.1.Tag.1.Value", "web-1")
        let root = try ec2.call(request)
        return try #require(root.items("instancesSet").first?.string("instanceId"))
    }

    private func instance(_ id: String) throws -> EC2Instance {
        let found = try ec2.describeInstances(ids: [id])
        try #require(found.count == 1)
        return found[0]
    }

    private func instanceAttribute(_ id: String, _ attribute: String) throws -> String? {
        var request = EC2Client.request("DescribeInstanceAttribute")
        request.add("InstanceId", id)
        request.add("Attribute", attribute)
        return try ec2.call(request).string(attribute, "value")
    }

    private func defaultVPC() throws -> String {
        var request = EC2Client.request("DescribeVpcs")
        request.add("Filter.1.Name", "is-default")
        request.add("Filter.1.Value.1", "true")
        return try #require(ec2.call(request).items("vpcSet").first?.string("vpcId"))
    }

    /// The kind of the AWSError `body` throws; nil when it throws nothing (or something else).
    private func kind(_ body: () throws -> Void) -> AWSError.Kind? {
        do { try body() } catch { return (error as? AWSError)?.kind }
        return nil
    }

    @Test func describeSnapshotTagAndContainAnInstance() throws {
        let id = try runInstance()
        var described = try instance(id)
        #expect(described.state == .running)
        #expect(described.tags[key: "Name"] == "web-1")
        let vpcId = try #require(described.vpcId)
        #expect(described.subnetId != nil)
        #expect(described.privateIpAddress != nil)
        #expect(Set(described.blockDeviceMappings.map(\.deviceName)) == ["/dev/sda1", "/dev/sdf", "/dev/sdg"])
        let volumeIds = Set(described.blockDeviceMappings.compactMap(\.volumeId))
        #expect(volumeIds.count == 3)
        let eni = try #require(described.networkInterfaces.first)
        #expect(!eni.groups.isEmpty)

        // Volumes by attachment, and interfaces by id.
        let volumes = try ec2.describeVolumes(filters: [EC2Filter(name: "attachment.instance-id", values: [id])])
        #expect(Set(volumes.map(\.volumeId)) == volumeIds)
        #expect(volumes.allSatisfy { $0.attachments.first?.instanceId == id })
        #expect(try ec2.describeNetworkInterfaces(ids: [eni.networkInterfaceId]).first?.attachedInstanceId == id)

        // Evidence: every volume, then one, tagged.
        let findingTag = EC2Tag(key: "firebreak:finding", value: "f-1")
        let snapshots = try ec2.createSnapshots(instanceId: id, description: "evidence f-1", tags: [findingTag])
        #expect(Set(snapshots.compactMap(\.volumeId)) == volumeIds)
        #expect(snapshots.allSatisfy { $0.snapshotId.hasPrefix("snap-") && $0.tags.contains(findingTag) })
        let single = try ec2.createSnapshot(volumeId: volumes[0].volumeId, description: "one", tags: [findingTag])
        #expect(single.volumeId == volumes[0].volumeId)
        #expect(single.snapshotId.hasPrefix("snap-"))

        try ec2.createTags(resourceIds: [id], tags: [EC2Tag(key: "quarantined", value: "true")])
        #expect(try instance(id).tags[key: "quarantined"] == "true")

        // Isolation: a new group without ingress on the interface, then on the instance.
        let quarantine = try ec2.createSecurityGroup(name: "firebreak-quarantine", description: "no traffic",
                                                     vpcId: vpcId)
        #expect(quarantine.hasPrefix("sg-"))
        try ec2.modifyNetworkInterfaceAttribute(networkInterfaceId: eni.networkInterfaceId, groups: [quarantine])
        let isolated = try #require(ec2.describeNetworkInterfaces(ids: [eni.networkInterfaceId]).first)
        #expect(isolated.groups.map(\.groupId).contains(quarantine))
        try ec2.modifyInstanceAttribute(instanceId: id, .groups([quarantine]))
        #expect(try instance(id).securityGroups.map(\.groupId) == [quarantine])

        // Evidence protection: termination protection on and off, shutdown behaviour, keep the data volume.
        try ec2.modifyInstanceAttribute(instanceId: id, .disableApiTermination(true))
        #expect(try instanceAttribute(id, "disableApiTermination") == "true")
        try ec2.modifyInstanceAttribute(instanceId: id, .disableApiTermination(false))
        #expect(try instanceAttribute(id, "disableApiTermination") == "false")
        try ec2.modifyInstanceAttribute(instanceId: id, .instanceInitiatedShutdownBehavior(.stop))
        #expect(try instanceAttribute(id, "instanceInitiatedShutdownBehavior") == "stop")
        try ec2.modifyInstanceAttribute(instanceId: id, .deleteOnTermination(deviceName: "/dev/sdf", true))
        described = try instance(id)
        #expect(described.blockDeviceMappings.first { $0.deviceName == "/dev/sdf" }?.deleteOnTermination == true)
        try ec2.modifyInstanceAttribute(instanceId: id, .deleteOnTermination(deviceName: "/dev/sdf", false))
        described = try instance(id)
        #expect(described.blockDeviceMappings.first { $0.deviceName == "/dev/sdf" }?.deleteOnTermination == false)

        // Dry runs change nothing and report success as their own kind.
        #expect(kind { try ec2.modifyInstanceAttribute(instanceId: id, .disableApiTermination(true), dryRun: true) }
            == .dryRunSucceeded)
        #expect(kind { _ = try ec2.createSnapshots(instanceId: id, description: "d", dryRun: true) } == .dryRunSucceeded)
        #expect(kind { _ = try ec2.terminateInstances(ids: [id], dryRun: true) } == .dryRunSucceeded)
        #expect(try instance(id).state == .running)

        let stopped = try ec2.stopInstances(ids: [id])
        #expect(stopped.map(\.instanceId) == [id])
        #expect(stopped[0].previousState == .running)
        #expect([EC2InstanceState.stopping, .stopped].contains(stopped[0].currentState))
        let terminated = try ec2.terminateInstances(ids: [id])
        #expect(terminated.map(\.instanceId) == [id])
        #expect([EC2InstanceState.shuttingDown, .terminated].contains(terminated[0].currentState))
        #expect([EC2InstanceState.stopping, .stopped].contains(terminated[0].previousState))
    }

    @Test func unknownInstanceIsNotFound() {
        #expect(kind { _ = try ec2.describeInstances(ids: ["i-0123456789abcdef0"]) } == .notFound)
        #expect(kind { _ = try ec2.terminateInstances(ids: ["i-0123456789abcdef0"]) } == .notFound)
    }

    @Test func authorizeThenRevokeAWorldOpenIngressRule() throws {
        let groupId = try ec2.createSecurityGroup(name: "web", description: "web tier", vpcId: defaultVPC())
        let ssh = EC2IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("0.0.0.0/0")])
        let ruleIds = try ec2.authorizeSecurityGroupIngress(groupId: groupId, permissions: [ssh])
        #expect(ruleIds.count == 1)
        var group = try #require(ec2.describeSecurityGroups(ids: [groupId]).first)
        #expect(group.ingress == [ssh])
        #expect(!group.egress.isEmpty)

        #expect(kind { _ = try ec2.revokeSecurityGroupIngress(groupId: groupId, permissions: [ssh], dryRun: true) }
            == .dryRunSucceeded)
        #expect(try ec2.revokeSecurityGroupIngress(groupId: groupId, permissions: [ssh]).isEmpty)
        group = try #require(ec2.describeSecurityGroups(ids: [groupId]).first)
        #expect(group.ingress.isEmpty)

        // Again, revoked by rule id this time; IPv6 too.
        let world = EC2IpPermission(ipProtocol: "tcp", fromPort: 3389, toPort: 3389, ipv4Ranges: [EC2IpRange("0.0.0.0/0")],
                                    ipv6Ranges: [EC2IpRange("::/0")])
        let ids = try ec2.authorizeSecurityGroupIngress(groupId: groupId, permissions: [world])
        #expect(!ids.isEmpty)
        #expect(try ec2.describeSecurityGroups(ids: [groupId]).first?.ingress.first?.ipv6Ranges == [EC2IpRange("::/0")])
        try ec2.revokeSecurityGroupIngress(groupId: groupId, ruleIds: ids)
        #expect(try ec2.describeSecurityGroups(ids: [groupId]).first?.ingress.isEmpty == true)
        #expect(kind { _ = try ec2.describeSecurityGroups(ids: ["sg-0123456789abcdef0"]) } == .notFound)
    }

    @Test func cloudTrailStartLoggingAndStatus() throws {
        struct CreateTrail: Encodable {
            var Name: String
            var S3BucketName: String
        }
        struct Trail: Decodable { var TrailARN: String }
        let trail = try cloudTrail.call("CreateTrail", CreateTrail(Name: "firebreak-trail", S3BucketName: Self.bucket),
                                        as: Trail.self)
        #expect(trail.TrailARN.hasSuffix(":trail/firebreak-trail"))
        #expect(try cloudTrail.getTrailStatus(name: "firebreak-trail").isLogging == false)
        try cloudTrail.startLogging(name: "firebreak-trail")
        let status = try cloudTrail.getTrailStatus(name: trail.TrailARN)
        #expect(status.isLogging)
        #expect(status.startLoggingTime != nil)
        var caught: AWSError?
        do { _ = try cloudTrail.getTrailStatus(name: "no-such-trail") } catch { caught = error }
        #expect(caught?.kind == .notFound)
        #expect(caught?.code == "TrailNotFoundException")
    }

    @Test func snsPublishWithAttributesReadBackFromMoto() throws {
        var create = SNSClient.request("CreateTopic")
        create.add("Name", "firebreak-alerts")
        let topicArn = try #require(sns.call(create).string("CreateTopicResult", "TopicArn"))
        let message = "{\"finding\":\"f-1\",\"rule\":\"ssh open to the world\",\"text\":\"é & <x>\"}"
        let messageId = try sns.publish(topicArn: topicArn, subject: "Firebreak: high severity finding", message: message,
                                        attributes: ["severity": .string("high"), "score": .number("87")])
        #expect(!messageId.isEmpty)
        let sent = try moto.sentNotifications(topicArn: topicArn)
        try #require(sent.count == 1)
        #expect(sent[0][0] as? String == messageId)
        #expect(sent[0][1] as? String == message)
        #expect(sent[0][2] as? String == "Firebreak: high severity finding")
        let attributes = try #require(sent[0][3] as? [String: [String: String]])
        #expect(attributes == ["severity": ["Type": "String", "Value": "high"], "score": ["Type": "Number", "Value": "87"]])

        var caught: AWSError?
        do { _ = try sns.publish(topicArn: topicArn + "-missing", message: "m") } catch { caught = error }
        #expect(caught?.kind == .notFound)
        #expect(caught?.status == 404)
    }

    @Test func aWrongSecretOrAnUnknownKeyIsAccessDenied() throws {
        let wrong = AWSCredentials(accessKeyID: keys.accessKeyID, secretAccessKey: "not-the-secret")
        let badEC2 = EC2Client(client: moto.client(signingName: "ec2", credentials: wrong))
        var caught: AWSError?
        do { _ = try badEC2.describeInstances() } catch { caught = error }
        #expect(caught?.kind == .accessDenied)
        #expect(caught?.code == "AuthFailure")
        #expect(caught?.status == 401)
        #expect(caught.map { !String(describing: $0).contains("not-the-secret") } == true)

        let badSNS = SNSClient(client: moto.client(signingName: "sns", credentials: wrong))
        #expect(kind { _ = try badSNS.publish(topicArn: "arn:aws:sns:us-east-1:123456789012:x", message: "m") }
            == .accessDenied)
        let unknown = AWSCredentials(accessKeyID: "AKIAUNKNOWNKEY000000", secretAccessKey: "x")
        #expect(kind { _ = try EC2Client(client: moto.client(signingName: "ec2", credentials: unknown)).describeInstances() }
            == .accessDenied)
        // The right keys still work.
        #expect(throws: Never.self) { _ = try ec2.describeInstances() }
    }
}
