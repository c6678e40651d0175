/// Where a column's parsed value is stored in a `FlowLogRecord` (typed fields are eager).
enum FlowSlot: UInt8, Sendable {
    case string, version, srcaddr, dstaddr, pktSrcaddr, pktDstaddr, srcport, dstport, proto, packets, bytes,
         start, end, action, logStatus, tcpFlags, type, flowDirection, trafficPath

    init(_ field: FlowLogField?) {
        switch field {
        case .version?: self = .version
        case .srcaddr?: self = .srcaddr
        case .dstaddr?: self = .dstaddr
        case .pktSrcaddr?: self = .pktSrcaddr
        case .pktDstaddr?: self = .pktDstaddr
        case .srcport?: self = .srcport
        case .dstport?: self = .dstport
        case .protocol?: self = .proto
        case .packets?: self = .packets
        case .bytes?: self = .bytes
        case .start?: self = .start
        case .end?: self = .end
        case .action?: self = .action
        case .logStatus?: self = .logStatus
        case .tcpFlags?: self = .tcpFlags
        case .type?: self = .type
        case .flowDirection?: self = .flowDirection
        case .trafficPath?: self = .trafficPath
        default: self = .string
        }
    }

    /// The largest valid value of a numeric slot; 0 for non-numeric slots.
    var numericLimit: UInt64 {
        switch self {
        case .version, .srcport, .dstport, .tcpFlags, .trafficPath: return UInt64(UInt16.max)
        case .proto: return UInt64(UInt8.max)
        case .packets, .bytes: return UInt64.max
        case .start, .end: return Self.maxEpochSeconds
        default: return 0
        }
    }

    /// 9999-12-31T23:59:59Z: a later `start` or `end` is out of range (times become milliseconds downstream,
    /// and no flow record comes from past that year).
    static let maxEpochSeconds: UInt64 = 253_402_300_799

    /// Bit in `FlowLogRecord.present`.
    var bit: UInt32 { 1 << UInt32(rawValue) }
}
