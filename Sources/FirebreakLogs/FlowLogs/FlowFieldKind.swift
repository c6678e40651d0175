/// The value type of a flow-log field.
public enum FlowFieldKind: Sendable, Equatable {
    case string, integer, unsigned, address, action, logStatus, trafficType, flowDirection
}
