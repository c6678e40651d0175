/// An EBS volume attached to an instance, as DescribeInstances shows it.
public struct EC2InstanceBlockDevice: Sendable, Hashable {
    public var deviceName: String
    public var volumeId: String?
    public var deleteOnTermination: Bool?
    /// `attaching`, `attached`, `detaching`, `detached`.
    public var status: String?

    public init(deviceName: String, volumeId: String?, deleteOnTermination: Bool?, status: String? = nil) {
        self.deviceName = deviceName
        self.volumeId = volumeId
        self.deleteOnTermination = deleteOnTermination
        self.status = status
    }
}
