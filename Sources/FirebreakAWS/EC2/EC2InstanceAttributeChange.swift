/// One change ModifyInstanceAttribute makes (EC2 takes one attribute per call).
public enum EC2InstanceAttributeChange: Sendable, Hashable {
    /// Termination protection on (`true`) or off: `DisableApiTermination.Value`.
    case disableApiTermination(Bool)
    /// What an OS-level shutdown does: `InstanceInitiatedShutdownBehavior.Value`.
    case instanceInitiatedShutdownBehavior(EC2ShutdownBehavior)
    /// Replaces the security groups of the primary network interface: `GroupId.N` (at least one).
    case groups([String])
    /// Whether the volume at `deviceName` is deleted with the instance:
    /// `BlockDeviceMapping.1.DeviceName`, `BlockDeviceMapping.1.Ebs.DeleteOnTermination`.
    case deleteOnTermination(deviceName: String, Bool)

    func add(to request: inout QueryRequest) {
        switch self {
        case let .disableApiTermination(value):
            request.add("DisableApiTermination.Value", value)
        case let .instanceInitiatedShutdownBehavior(behavior):
            request.add("InstanceInitiatedShutdownBehavior.Value", behavior.rawValue)
        case let .groups(groupIds):
            request.addList("GroupId", groupIds)
        case let .deleteOnTermination(deviceName, value):
            request.add("BlockDeviceMapping.1.DeviceName", deviceName)
            request.add("BlockDeviceMapping.1.Ebs.DeleteOnTermination", value)
        }
    }
}

/// What an instance does when its operating system shuts down.
public enum EC2ShutdownBehavior: String, Sendable, Hashable {
    case stop
    case terminate
}
