import FirebreakLogs

/// A flow-log field resolved at compile time, read as its typed value (no strings for typed fields).
enum FlowFieldReader: Sendable {
    case integer(FlowLogField)
    case unsigned(FlowLogField)
    case address(FlowLogField)
    case action
    case logStatus
    case trafficType
    /// `flow-direction`: the record's own, else derived from the internal networks (`DetectionEvent.flowDirection`).
    case direction
    case string(FlowLogField)
    /// A name the flow-log formats do not define (looked up in the record's format by name).
    case named(String)

    init(name: String) {
        guard let field = FlowLogField(rawValue: name) else { self = .named(name); return }
        switch field.valueKind {
        case .integer: self = .integer(field)
        case .unsigned: self = .unsigned(field)
        case .address: self = .address(field)
        case .action: self = .action
        case .logStatus: self = .logStatus
        case .trafficType: self = .trafficType
        case .flowDirection: self = .direction
        case .string: self = .string(field)
        }
    }

    /// The text values of an enumerated field, in the order of `FlowValue.choice`'s index.
    var choices: [String]? {
        switch self {
        case .action: return [FlowAction.accept.rawValue, FlowAction.reject.rawValue]
        case .logStatus: return [FlowLogStatus.ok.rawValue, FlowLogStatus.noData.rawValue, FlowLogStatus.skipData.rawValue]
        case .trafficType: return [FlowTrafficType.ipv4.rawValue, FlowTrafficType.ipv6.rawValue, FlowTrafficType.efa.rawValue]
        case .direction: return [FlowDirection.ingress.rawValue, FlowDirection.egress.rawValue]
        default: return nil
        }
    }

    @inline(__always)
    func read(_ flow: FlowLogRecord, direction: FlowDirection?) -> FlowValue? {
        switch self {
        case .integer(let field):
            let v: Int64?
            switch field {
            case .dstport: v = flow.dstport.map(Int64.init)
            case .srcport: v = flow.srcport.map(Int64.init)
            case .protocol: v = flow.protocolNumber.map(Int64.init)
            case .version: v = flow.version.map(Int64.init)
            case .start: v = flow.start
            case .end: v = flow.end
            case .tcpFlags: v = flow.tcpFlags.map(Int64.init)
            case .trafficPath: v = flow.trafficPath.map(Int64.init)
            default: v = flow.value(of: field)?.int64Value
            }
            return v.map(FlowValue.int)
        case .unsigned(let field):
            let v = field == .bytes ? flow.bytes : field == .packets ? flow.packets : nil
            return v.map { $0 <= UInt64(Int64.max) ? .int(Int64($0)) : .double(Double($0)) }
        case .address(let field):
            let v: IPAddress?
            switch field {
            case .srcaddr: v = flow.srcaddr
            case .dstaddr: v = flow.dstaddr
            case .pktSrcaddr: v = flow.pktSrcaddr
            case .pktDstaddr: v = flow.pktDstaddr
            default: v = nil
            }
            return v.map(FlowValue.address)
        case .action:
            return flow.action.map { .choice($0 == .accept ? 0 : 1) }
        case .logStatus:
            return flow.logStatus.map { .choice($0 == .ok ? 0 : $0 == .noData ? 1 : 2) }
        case .trafficType:
            return flow.trafficType.map { .choice($0 == .ipv4 ? 0 : $0 == .ipv6 ? 1 : 2) }
        case .direction:
            return direction.map { .choice($0 == .ingress ? 0 : 1) }
        case .string(let field):
            return flow.string(field).map(FlowValue.string)
        case .named(let name):
            return flow.field(name).map { .other(FieldValue($0)) }
        }
    }
}
