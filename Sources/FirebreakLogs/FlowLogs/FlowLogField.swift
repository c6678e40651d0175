/// Every VPC Flow Logs field of versions 2–5 and 7 (plus `reject-reason`), by its AWS name.
public enum FlowLogField: String, Sendable, CaseIterable, Hashable {
    // Version 2 (the default format, in order).
    case version
    case accountID = "account-id"
    case interfaceID = "interface-id"
    case srcaddr
    case dstaddr
    case srcport
    case dstport
    case `protocol`
    case packets
    case bytes
    case start
    case end
    case action
    case logStatus = "log-status"
    // Version 3.
    case vpcID = "vpc-id"
    case subnetID = "subnet-id"
    case instanceID = "instance-id"
    case tcpFlags = "tcp-flags"
    case type
    case pktSrcaddr = "pkt-srcaddr"
    case pktDstaddr = "pkt-dstaddr"
    // Version 4.
    case region
    case azID = "az-id"
    case sublocationType = "sublocation-type"
    case sublocationID = "sublocation-id"
    // Version 5.
    case pktSrcAWSService = "pkt-src-aws-service"
    case pktDstAWSService = "pkt-dst-aws-service"
    case flowDirection = "flow-direction"
    case trafficPath = "traffic-path"
    // Version 7 (ECS).
    case ecsClusterARN = "ecs-cluster-arn"
    case ecsClusterName = "ecs-cluster-name"
    case ecsContainerInstanceARN = "ecs-container-instance-arn"
    case ecsContainerInstanceID = "ecs-container-instance-id"
    case ecsContainerID = "ecs-container-id"
    case ecsSecondContainerID = "ecs-second-container-id"
    case ecsServiceName = "ecs-service-name"
    case ecsTaskDefinitionARN = "ecs-task-definition-arn"
    case ecsTaskARN = "ecs-task-arn"
    case ecsTaskID = "ecs-task-id"
    // Later (version believed 8).
    case rejectReason = "reject-reason"

    /// Position in `allCases` (cached: `allCases` itself builds a new array on every call).
    var ordinal: Int { FlowLogField.ordinals[self] ?? 0 }

    private static let ordinals: [FlowLogField: Int] = {
        var map: [FlowLogField: Int] = [:]
        for (i, f) in FlowLogField.allCases.enumerated() { map[f] = i }
        return map
    }()

    /// How the field's value is typed.
    public var valueKind: FlowFieldKind {
        switch self {
        case .srcaddr, .dstaddr, .pktSrcaddr, .pktDstaddr: return .address
        case .version, .srcport, .dstport, .protocol, .start, .end, .tcpFlags, .trafficPath: return .integer
        case .packets, .bytes: return .unsigned
        case .action: return .action
        case .logStatus: return .logStatus
        case .type: return .trafficType
        case .flowDirection: return .flowDirection
        default: return .string
        }
    }

    /// The default (version 2) format's fields, in order.
    public static let defaultV2: [FlowLogField] = [
        .version, .accountID, .interfaceID, .srcaddr, .dstaddr, .srcport, .dstport, .protocol,
        .packets, .bytes, .start, .end, .action, .logStatus,
    ]
}
