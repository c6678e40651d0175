/// `type`: the traffic type.
public enum FlowTrafficType: String, Sendable, Equatable {
    case ipv4 = "IPv4"
    case ipv6 = "IPv6"
    case efa = "EFA"
}
