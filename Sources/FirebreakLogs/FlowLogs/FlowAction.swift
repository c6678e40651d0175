/// `action`: whether security groups and network ACLs allowed the traffic.
public enum FlowAction: String, Sendable, Equatable {
    case accept = "ACCEPT"
    case reject = "REJECT"
}
