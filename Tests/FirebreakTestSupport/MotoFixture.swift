import FirebreakAWS

/// A VPC with one subnet in moto, and the first image moto offers: where `launchInstance` puts instances.
public struct MotoNetwork: Sendable {
    public let vpcId: String
    public let subnetId: String
    public let imageId: String
}

/// An instance `launchInstance` started.
public struct MotoInstance: Sendable {
    public let instanceId: String
    /// Its primary network interface.
    public let interfaceId: String
    public let privateIP: String
}

extension MotoServer {
    /// Creates a VPC (`vpcCidr`) with one subnet (`subnetCidr`) and picks moto's first image, in the account of `ec2`
    /// (the admin's by default).
    public func createNetwork(vpcCidr: String, subnetCidr: String, ec2: EC2Client? = nil) throws -> MotoNetwork {
        let ec2 = ec2 ?? self.ec2
        var createVpc = EC2Client.request("CreateVpc")
        createVpc.add("CidrBlock", vpcCidr)
        let vpcId = try required(ec2.call(createVpc).string("vpc", "vpcId"), "CreateVpc: vpcId")
        var createSubnet = EC2Client.request("CreateSubnet")
        createSubnet.add("VpcId", vpcId)
        createSubnet.add("CidrBlock", subnetCidr)
        let subnetId = try required(ec2.call(createSubnet).string("subnet", "subnetId"), "CreateSubnet: subnetId")
        let imageId = try required(ec2.call(EC2Client.request("DescribeImages")).items("imagesSet").first?.string("imageId"),
                                   "DescribeImages: an imageId")
        return MotoNetwork(vpcId: vpcId, subnetId: subnetId, imageId: imageId)
    }

    /// Runs one t3.micro in `network` with an EBS volume of `size` GiB per device (the first is the root), and
    /// `tags` on the instance. `deleteOnTermination` is sent for every volume when given (else EC2's default).
    public func launchInstance(in network: MotoNetwork, volumes: [(String, Int)],
                               deleteOnTermination: Bool? = nil, tags: [(String, String)],
                               ec2: EC2Client? = nil) throws -> MotoInstance {
        let ec2 = ec2 ?? self.ec2
        var run = EC2Client.request("RunInstances")
        run.add("ImageId", network.imageId)
        run.add("MinCount", 1)
        run.add("MaxCount", 1)
        run.add("InstanceType", "t3.micro")
        run.add("SubnetId", network.subnetId)
        for (index, (device, size)) in volumes.enumerated() {
            run.add("BlockDeviceMapping.\(index + 1).DeviceName", device)
            run.add("BlockDeviceMapping.\(index + 1).Ebs.VolumeSize", size)
            if let deleteOnTermination {
                run.add("BlockDeviceMapping.\(index + 1).Ebs.DeleteOnTermination", deleteOnTermination)
            }
        }
        run.add("TagSpecification.1.ResourceType", "instance")
        for (index, (key, value)) in tags.enumerated() {
            run.add("TagSpecification.1.Tag.\(index + 1).Key", key)
            run.add("TagSpecification.1.Tag.\(index + 1).Value", value)
        }
        let instance = try required(ec2.call(run).items("instancesSet").first, "RunInstances: an instance")
        return MotoInstance(
            instanceId: try required(instance.string("instanceId"), "RunInstances: instanceId"),
            interfaceId: try required(instance.items("networkInterfaceSet").first?.string("networkInterfaceId"),
                                      "RunInstances: networkInterfaceId"),
            privateIP: try required(instance.string("privateIpAddress"), "RunInstances: privateIpAddress"))
    }

    /// `value`, or an `Unavailable` error naming what moto left out.
    func required<Value>(_ value: Value?, _ what: String) throws -> Value {
        guard let value else { throw Unavailable(description: "moto answered without \(what)") }
        return value
    }
}
