/// `flow-direction`, relative to the network interface.
public enum FlowDirection: String, Sendable, Equatable {
    case ingress
    case egress
}
