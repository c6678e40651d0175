/// An instance's state: code and name (0 pending, 16 running, 32 shutting-down, 48 terminated,
/// 64 stopping, 80 stopped).
public struct EC2InstanceState: Sendable, Hashable {
    /// The low byte of the code AWS sends (the high byte is internal).
    public var code: Int
    public var name: String

    public init(code: Int, name: String) {
        self.code = code
        self.name = name
    }

    public static let pending = EC2InstanceState(code: 0, name: "pending")
    public static let running = EC2InstanceState(code: 16, name: "running")
    public static let shuttingDown = EC2InstanceState(code: 32, name: "shutting-down")
    public static let terminated = EC2InstanceState(code: 48, name: "terminated")
    public static let stopping = EC2InstanceState(code: 64, name: "stopping")
    public static let stopped = EC2InstanceState(code: 80, name: "stopped")

    /// `<…><code/><name/></…>`.
    init?(xml: AWSXMLElement?) {
        guard let xml, let code = xml.int("code") else { return nil }
        self.init(code: code & 0xFF, name: xml.string("name") ?? "")
    }
}

/// The state change StopInstances and TerminateInstances report for one instance.
public struct EC2InstanceStateChange: Sendable, Hashable {
    public var instanceId: String
    public var currentState: EC2InstanceState
    public var previousState: EC2InstanceState

    public init(instanceId: String, currentState: EC2InstanceState, previousState: EC2InstanceState) {
        self.instanceId = instanceId
        self.currentState = currentState
        self.previousState = previousState
    }

    init?(xml: AWSXMLElement) {
        guard let id = xml.string("instanceId"), let current = EC2InstanceState(xml: xml.child("currentState")),
              let previous = EC2InstanceState(xml: xml.child("previousState")) else { return nil }
        self.init(instanceId: id, currentState: current, previousState: previous)
    }
}
