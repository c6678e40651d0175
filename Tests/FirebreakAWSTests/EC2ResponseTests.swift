import Testing
@testable import FirebreakAWS

/// Success responses built from the documented shapes (FORMATS.md §5.2), decoded through the client.
@Suite struct EC2ResponseTests {
    private func client(_ bodies: String...) -> (EC2Client, ScriptedTransport) {
        let transport = ScriptedTransport(bodies.map { .respond(200, $0) })
        return (EC2Client(client: makeClient(transport)), transport)
    }

    private let instanceXML = """
        <item><instanceId>i-0abc</instanceId><imageId>ami-1</imageId>
          <instanceState><code>272</code><name>running</name></instanceState>
          <instanceType>t3.micro</instanceType><launchTime>2026-01-01T00:00:00.000Z</launchTime>
          <subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId><privateIpAddress>10.0.0.5</privateIpAddress>
          <ipAddress>192.0.2.10</ipAddress>
          <groupSet><item><groupId>sg-1</groupId><groupName>web</groupName></item></groupSet>
          <rootDeviceName>/dev/xvda</rootDeviceName>
          <blockDeviceMapping>
            <item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-root</volumeId><status>attached</status>
              <attachTime>2026-01-01T00:00:00.000Z</attachTime><deleteOnTermination>true</deleteOnTermination></ebs></item>
            <item><deviceName>/dev/sdf</deviceName><ebs><volumeId>vol-data</volumeId><status>attached</status>
              <deleteOnTermination>false</deleteOnTermination></ebs></item>
          </blockDeviceMapping>
          <networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId><subnetId>subnet-1</subnetId>
            <vpcId>vpc-1</vpcId><privateIpAddress>10.0.0.5</privateIpAddress>
            <attachment><deviceIndex>0</deviceIndex></attachment>
            <groupSet><item><groupId>sg-1</groupId><groupName>web</groupName></item>
              <item><groupId>sg-2</groupId><groupName>ssh</groupName></item></groupSet></item></networkInterfaceSet>
          <tagSet><item><key>Name</key><value>web-1</value></item><item><key>env</key><value></value></item></tagSet>
        </item>
        """

    @Test func describeInstancesFollowsNextToken() throws {
        let (ec2, transport) = client(
            ec2XML("DescribeInstances", "<reservationSet><item><reservationId>r-1</reservationId><instancesSet>"
                + instanceXML + "</instancesSet></item></reservationSet><nextToken>page2</nextToken>"),
            ec2XML("DescribeInstances", "<reservationSet><item><instancesSet><item><instanceId>i-2</instanceId>"
                + "<instanceState><code>80</code><name>stopped</name></instanceState></item></instancesSet></item>"
                + "</reservationSet>"))
        let instances = try ec2.describeInstances(filters: [EC2Filter(name: "vpc-id", values: ["vpc-1"])])
        #expect(instances.map(\.instanceId) == ["i-0abc", "i-2"])
        #expect(transport.sent.count == 2)
        #expect(String(decoding: transport.sent[1].body, as: UTF8.self).hasSuffix("&NextToken=page2"))
        let first = instances[0]
        #expect(first.state == .running)
        #expect(instances[1].state == .stopped)
        #expect(first.vpcId == "vpc-1")
        #expect(first.subnetId == "subnet-1")
        #expect(first.privateIpAddress == "10.0.0.5")
        #expect(first.publicIpAddress == "192.0.2.10")
        #expect(first.instanceType == "t3.micro")
        #expect(first.rootDeviceName == "/dev/xvda")
        #expect(first.tags == [EC2Tag(key: "Name", value: "web-1"), EC2Tag(key: "env", value: "")])
        #expect(first.tags[key: "Name"] == "web-1")
        #expect(first.securityGroups == [EC2GroupIdentifier(groupId: "sg-1", groupName: "web")])
        #expect(first.networkInterfaces == [EC2InstanceNetworkInterface(
            networkInterfaceId: "eni-1", groups: [EC2GroupIdentifier(groupId: "sg-1", groupName: "web"),
                                                  EC2GroupIdentifier(groupId: "sg-2", groupName: "ssh")],
            privateIpAddress: "10.0.0.5", subnetId: "subnet-1", vpcId: "vpc-1", deviceIndex: 0)])
        #expect(first.blockDeviceMappings == [
            EC2InstanceBlockDevice(deviceName: "/dev/xvda", volumeId: "vol-root", deleteOnTermination: true,
                                   status: "attached"),
            EC2InstanceBlockDevice(deviceName: "/dev/sdf", volumeId: "vol-data", deleteOnTermination: false,
                                   status: "attached"),
        ])
    }

    @Test func describeNetworkInterfacesVolumesAndGroups() throws {
        let (ec2, _) = client(
            ec2XML("DescribeNetworkInterfaces", """
                <networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId><subnetId>subnet-1</subnetId>
                <vpcId>vpc-1</vpcId><availabilityZone>us-east-1a</availabilityZone><description>Primary</description>
                <status>in-use</status><privateIpAddress>10.0.0.5</privateIpAddress>
                <groupSet><item><groupId>sg-1</groupId><groupName>web</groupName></item></groupSet>
                <attachment><attachmentId>eni-attach-1</attachmentId><instanceId>i-1</instanceId><deviceIndex>1</deviceIndex>
                </attachment><tagSet/></item></networkInterfaceSet>
                """),
            ec2XML("DescribeVolumes", """
                <volumeSet><item><volumeId>vol-1</volumeId><size>8</size><snapshotId/><availabilityZone>us-east-1a
                </availabilityZone><status>in-use</status><createTime>2026-01-01T00:00:00.000Z</createTime>
                <attachmentSet><item><volumeId>vol-1</volumeId><instanceId>i-1</instanceId><device>/dev/xvda</device>
                <status>attached</status><deleteOnTermination>true</deleteOnTermination></item></attachmentSet>
                <volumeType>gp3</volumeType><encrypted>true</encrypted>
                <tagSet><item><key>k</key><value>v</value></item></tagSet></item></volumeSet>
                """),
            ec2XML("DescribeSecurityGroups", """
                <securityGroupInfo><item><ownerId>123456789012</ownerId><groupId>sg-1</groupId><groupName>web</groupName>
                <groupDescription>Web tier</groupDescription><vpcId>vpc-1</vpcId>
                <ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort>
                  <groups><item><userId>123456789012</userId><groupId>sg-2</groupId></item></groups>
                  <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp><description>anywhere</description></item></ipRanges>
                  <ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges>
                  <prefixListIds/></item></ipPermissions>
                <ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp>
                  </item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissionsEgress></item></securityGroupInfo>
                """))
        let enis = try ec2.describeNetworkInterfaces(ids: ["eni-1"])
        #expect(enis == [EC2NetworkInterface(
            networkInterfaceId: "eni-1", status: "in-use", vpcId: "vpc-1", subnetId: "subnet-1",
            availabilityZone: "us-east-1a", privateIpAddress: "10.0.0.5", description: "Primary",
            groups: [EC2GroupIdentifier(groupId: "sg-1", groupName: "web")], attachedInstanceId: "i-1", deviceIndex: 1)])
        let volumes = try ec2.describeVolumes(filters: [EC2Filter(name: "attachment.instance-id", values: ["i-1"])])
        #expect(volumes.count == 1)
        #expect(volumes[0].volumeId == "vol-1")
        #expect(volumes[0].size == 8)
        #expect(volumes[0].snapshotId == nil)
        #expect(volumes[0].encrypted == true)
        #expect(volumes[0].attachments == [EC2VolumeAttachment(instanceId: "i-1", device: "/dev/xvda", state: "attached",
                                                               deleteOnTermination: true)])
        #expect(volumes[0].tags == [EC2Tag(key: "k", value: "v")])
        let groups = try ec2.describeSecurityGroups(ids: ["sg-1"])
        #expect(groups.count == 1)
        #expect(groups[0].description == "Web tier")
        #expect(groups[0].ingress == [EC2IpPermission(
            ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("0.0.0.0/0", description: "anywhere")],
            ipv6Ranges: [EC2IpRange("::/0")], groupIds: ["sg-2"])])
        #expect(groups[0].egress == [EC2IpPermission(ipProtocol: "-1", ipv4Ranges: [EC2IpRange("0.0.0.0/0")])])
    }

    @Test func snapshotsAndStateChanges() throws {
        let (ec2, _) = client(
            ec2XML("CreateSnapshot", """
                <snapshotId>snap-1</snapshotId><volumeId>vol-1</volumeId><status>pending</status>
                <startTime>2026-01-01T00:00:00.000Z</startTime><progress>60%</progress><ownerId>1</ownerId>
                <volumeSize>8</volumeSize><encrypted>false</encrypted><description>evidence</description><tagSet/>
                """),
            ec2XML("CreateSnapshots", """
                <snapshotSet><item><snapshotId>snap-a</snapshotId><volumeId>vol-a</volumeId><state>pending</state></item>
                <item><snapshotId>snap-b</snapshotId><volumeId>vol-b</volumeId><state>pending</state></item></snapshotSet>
                """),
            ec2XML("TerminateInstances", """
                <instancesSet><item><instanceId>i-1</instanceId><currentState><code>32</code><name>shutting-down</name>
                </currentState><previousState><code>80</code><name>stopped</name></previousState></item></instancesSet>
                """),
            ec2XML("AuthorizeSecurityGroupIngress", """
                <return>true</return><securityGroupRuleSet><item><securityGroupRuleId>sgr-1</securityGroupRuleId>
                </item></securityGroupRuleSet>
                """),
            ec2XML("RevokeSecurityGroupIngress", """
                <return>true</return><unknownIpPermissionSet><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort>
                <toPort>22</toPort><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item>
                </unknownIpPermissionSet>
                """))
        let snapshot = try ec2.createSnapshot(volumeId: "vol-1", description: "evidence")
        #expect(snapshot.snapshotId == "snap-1")
        #expect(snapshot.state == "pending")
        #expect(snapshot.volumeSize == 8)
        #expect(try ec2.createSnapshots(instanceId: "i-1", description: "d").map { [$0.volumeId, $0.snapshotId] }
            == [["vol-a", "snap-a"], ["vol-b", "snap-b"]])
        #expect(try ec2.terminateInstances(ids: ["i-1"])
            == [EC2InstanceStateChange(instanceId: "i-1", currentState: .shuttingDown, previousState: .stopped)])
        let ssh = EC2IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("0.0.0.0/0")])
        #expect(try ec2.authorizeSecurityGroupIngress(groupId: "sg-1", permissions: [ssh]) == ["sgr-1"])
        #expect(try ec2.revokeSecurityGroupIngress(groupId: "sg-1", permissions: [ssh]) == [ssh])
    }

    @Test func dryRunSurfacesAsItsOwnKind() {
        let transport = ScriptedTransport([.respond(412, ec2ErrorXML("DryRunOperation",
                                                                     "Request would have succeeded, but DryRun flag is set."))])
        var caught: AWSError?
        do {
            try EC2Client(client: makeClient(transport)).modifyInstanceAttribute(
                instanceId: "i-1", .disableApiTermination(true), dryRun: true)
        } catch { caught = error }
        #expect(caught?.kind == .dryRunSucceeded)
        #expect(caught?.status == 412)
        #expect(String(decoding: transport.sent[0].body, as: UTF8.self).hasSuffix("&DryRun=true"))
    }
}
