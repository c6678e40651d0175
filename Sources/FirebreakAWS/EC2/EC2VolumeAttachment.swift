/// Where a volume is attached.
public struct EC2VolumeAttachment: Sendable, Hashable {
    public var instanceId: String
    public var device: String?
    /// `attaching`, `attached`, `detaching`, `detached`.
    public var state: String?
    public var deleteOnTermination: Bool?

    public init(instanceId: String, device: String? = nil, state: String? = nil, deleteOnTermination: Bool? = nil) {
        self.instanceId = instanceId
        self.device = device
        self.state = state
        self.deleteOnTermination = deleteOnTermination
    }
}
