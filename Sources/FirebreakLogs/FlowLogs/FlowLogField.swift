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

    /// Position in `allCases`, by a switch: no hashing (a dictionary keyed by this enum hashes its raw string), and
    /// `allCases` itself builds a new array on every call.
    var ordinal: Int {
        switch self {
        case .version: 0
        case .accountID: 1
        case .interfaceID: 2
        case .srcaddr: 3
        case .dstaddr: 4
        case .srcport: 5
        case .dstport: 6
        case .`protocol`: 7
        case .packets: 8
        case .bytes: 9
        case .start: 10
        case .end: 11
        case .action: 12
        case .logStatus: 13
        case .vpcID: 14
        case .subnetID: 15
        case .instanceID: 16
        case .tcpFlags: 17
        case .type: 18
        case .pktSrcaddr: 19
        case .pktDstaddr: 20
        case .region: 21
        case .azID: 22
        case .sublocationType: 23
        case .sublocationID: 24
        case .pktSrcAWSService: 25
        case .pktDstAWSService: 26
        case .flowDirection: 27
        case .trafficPath: 28
        case .ecsClusterARN: 29
        case .ecsClusterName: 30
        case .ecsContainerInstanceARN: 31
        case .ecsContainerInstanceID: 32
        case .ecsContainerID: 33
        case .ecsSecondContainerID: 34
        case .ecsServiceName: 35
        case .ecsTaskDefinitionARN: 36
        case .ecsTaskARN: 37
        case .ecsTaskID: 38
        case .rejectReason: 39
        }
    }

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
