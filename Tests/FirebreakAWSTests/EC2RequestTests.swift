import Testing
@testable import FirebreakAWS

/// Bodies as botocore emits them (FORMATS.md §5.2), with strict RFC 3986 encoding.
@Suite struct EC2RequestTests {
    @Test func describeInstances() {
        #expect(EC2Client.describeInstancesRequest(ids: ["i-0abc"], filters: [], nextToken: nil).body
            == "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0abc")
        #expect(EC2Client.describeInstancesRequest(ids: [], filters: [EC2Filter(name: "instance-id", values: ["i-0abc"])],
                                                   nextToken: "tok/1").body
            == "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-id&Filter.1.Value.1=i-0abc"
            + "&NextToken=tok%2F1")
    }

    @Test func describeVolumesByAttachment() {
        let request = EC2Client.describeRequest("DescribeVolumes", idName: "VolumeId", ids: [],
                                                filters: [EC2Filter(name: "attachment.instance-id", values: ["i-1"])],
                                                nextToken: nil)
        #expect(request.body
            == "Action=DescribeVolumes&Version=2016-11-15&Filter.1.Name=attachment.instance-id&Filter.1.Value.1=i-1")
    }

    @Test func createSnapshot() {
        let request = EC2Client.createSnapshotRequest(volumeId: "vol-1", description: "evidence for f-1",
                                                      tags: [EC2Tag(key: "firebreak:finding", value: "f-1")],
                                                      dryRun: false)
        #expect(request.body == "Action=CreateSnapshot&Version=2016-11-15&VolumeId=vol-1&Description=evidence+for+f-1"
            + "&TagSpecification.1.ResourceType=snapshot&TagSpecification.1.Tag.1.Key=firebreak%3Afinding"
            + "&TagSpecification.1.Tag.1.Value=f-1")
    }

    @Test func createSnapshots() {
        let request = EC2Client.createSnapshotsRequest(instanceId: "i-1", description: "d",
                                                       tags: [EC2Tag(key: "a", value: "1"), EC2Tag(key: "b", value: "2")],
                                                       dryRun: true)
        #expect(request.body == "Action=CreateSnapshots&Version=2016-11-15&InstanceSpecification.InstanceId=i-1"
            + "&InstanceSpecification.ExcludeBootVolume=false&Description=d&TagSpecification.1.ResourceType=snapshot"
            + "&TagSpecification.1.Tag.1.Key=a&TagSpecification.1.Tag.1.Value=1"
            + "&TagSpecification.1.Tag.2.Key=b&TagSpecification.1.Tag.2.Value=2&DryRun=true")
    }

    @Test func modifyInstanceAttributeVariants() {
        func body(_ change: EC2InstanceAttributeChange) -> String {
            EC2Client.modifyInstanceAttributeRequest(instanceId: "i-1", change, dryRun: false).body
        }
        let prefix = "Action=ModifyInstanceAttribute&Version=2016-11-15&InstanceId=i-1&"
        #expect(body(.groups(["sg-quarantine"])) == prefix + "GroupId.1=sg-quarantine")
        #expect(body(.groups(["sg-a", "sg-b"])) == prefix + "GroupId.1=sg-a&GroupId.2=sg-b")
        #expect(body(.disableApiTermination(true)) == prefix + "DisableApiTermination.Value=true")
        #expect(body(.instanceInitiatedShutdownBehavior(.stop)) == prefix + "InstanceInitiatedShutdownBehavior.Value=stop")
        #expect(body(.deleteOnTermination(deviceName: "/dev/sdf", false))
            == prefix + "BlockDeviceMapping.1.DeviceName=%2Fdev%2Fsdf&BlockDeviceMapping.1.Ebs.DeleteOnTermination=false")
    }

    @Test func modifyNetworkInterfaceGroups() {
        #expect(EC2Client.modifyNetworkInterfaceGroupsRequest(networkInterfaceId: "eni-1", groups: ["sg-q"], dryRun: true)
            .body == "Action=ModifyNetworkInterfaceAttribute&Version=2016-11-15&NetworkInterfaceId=eni-1"
            + "&SecurityGroupId.1=sg-q&DryRun=true")
    }

    @Test func revokeIngress() {
        let ssh = EC2IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("0.0.0.0/0")])
        #expect(EC2Client.revokeIngressRequest(groupId: "sg-1", permissions: [ssh], dryRun: false).body
            == "Action=RevokeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-1&IpPermissions.1.IpProtocol=tcp"
            + "&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0")
        let all = EC2IpPermission(ipProtocol: "-1", ipv4Ranges: [EC2IpRange("10.0.0.0/8", description: "corp")],
                                  ipv6Ranges: [EC2IpRange("::/0")], groupIds: ["sg-2"], prefixListIds: ["pl-1"])
        #expect(EC2Client.revokeIngressRequest(groupId: "sg-1", permissions: [ssh, all], dryRun: false).body
            == "Action=RevokeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-1&IpPermissions.1.IpProtocol=tcp"
            + "&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0"
            + "&IpPermissions.2.IpProtocol=-1&IpPermissions.2.IpRanges.1.CidrIp=10.0.0.0%2F8"
            + "&IpPermissions.2.IpRanges.1.Description=corp&IpPermissions.2.Ipv6Ranges.1.CidrIpv6=%3A%3A%2F0"
            + "&IpPermissions.2.UserIdGroupPairs.1.GroupId=sg-2&IpPermissions.2.PrefixListIds.1.PrefixListId=pl-1")
    }

    @Test func createTags() {
        #expect(EC2Client.createTagsRequest(resourceIds: ["i-1", "vol-2"], tags: [EC2Tag(key: "quarantined", value: "true")],
                                            dryRun: false).body
            == "Action=CreateTags&Version=2016-11-15&ResourceId.1=i-1&ResourceId.2=vol-2&Tag.1.Key=quarantined"
            + "&Tag.1.Value=true")
    }

    @Test func revokeByRuleIdAndStateChangesThroughTheClient() throws {
        let transport = ScriptedTransport([
            .respond(200, ec2XML("RevokeSecurityGroupIngress", "<return>true</return>")),
            .respond(200, ec2XML("StopInstances", """
                <instancesSet><item><instanceId>i-1</instanceId><currentState><code>64</code><name>stopping</name>
                </currentState><previousState><code>16</code><name>running</name></previousState></item></instancesSet>
                """)),
            .respond(200, ec2XML("CreateSecurityGroup", "<return>true</return><groupId>sg-9</groupId>")),
        ])
        let ec2 = EC2Client(client: makeClient(transport))
        #expect(try ec2.revokeSecurityGroupIngress(groupId: "sg-1", ruleIds: ["sgr-1", "sgr-2"]).isEmpty)
        #expect(try ec2.stopInstances(ids: ["i-1"], force: true)
            == [EC2InstanceStateChange(instanceId: "i-1", currentState: .stopping, previousState: .running)])
        #expect(try ec2.createSecurityGroup(name: "q", description: "quarantine group", vpcId: "vpc-1") == "sg-9")
        let bodies = transport.sent.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(bodies == [
            "Action=RevokeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-1&SecurityGroupRuleId.1=sgr-1"
                + "&SecurityGroupRuleId.2=sgr-2",
            "Action=StopInstances&Version=2016-11-15&InstanceId.1=i-1&Force=true",
            "Action=CreateSecurityGroup&Version=2016-11-15&GroupName=q&GroupDescription=quarantine+group&VpcId=vpc-1",
        ])
    }

    @Test func returnFalseIsAnError() {
        let transport = ScriptedTransport([.respond(200, ec2XML("CreateTags", "<return>false</return>"))])
        #expect(throws: AWSError.self) {
            try EC2Client(client: makeClient(transport)).createTags(resourceIds: ["i-1"], tags: [])
        }
    }
}
