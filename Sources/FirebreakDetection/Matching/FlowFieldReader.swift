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

/// A flow-log field's value, typed.
enum FlowValue {
    case int(Int64)
    case double(Double)
    case address(IPAddress)
    /// Index into `FlowFieldReader.choices`.
    case choice(Int)
    case string(String)
    case other(FieldValue)

    func fieldValue(_ reader: FlowFieldReader) -> FieldValue {
        switch self {
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .address(let a): return .address(a)
        case .choice(let i): return .string(reader.choices?[i] ?? "")
        case .string(let s): return .string(s)
        case .other(let v): return v
        }
    }
}

/// A `ValueTest` specialised to one flow-log field's type at compile time.
enum FlowTest: Sendable {
    case never
    case intEquals(Int64)
    case numberEquals(Double)
    case compare(ValueTest.Comparison, Double)
    case addressEquals(IPAddress)
    case addresses(IPSet)
    /// Bit `i` set when choice `i` matches.
    case choices(UInt32)
    /// Anything else: the generic test on the value's `FieldValue` (its text for strings).
    case generic(ValueTest)

    init(_ test: ValueTest, reader: FlowFieldReader) {
        if let choices = reader.choices {
            var mask: UInt32 = 0
            for (i, text) in choices.enumerated() where test.test(FieldValue.string(text)) { mask |= 1 << UInt32(i) }
            self = .choices(mask)
            return
        }
        switch reader {
        case .integer, .unsigned:
            switch test {
            case .number(let n): self = n == n.rounded() && abs(n) < 9e18 ? .intEquals(Int64(n)) : .numberEquals(n)
            case .string(let p) where p.kind == .equals:
                if let i = Int64(String(decoding: p.literal, as: UTF8.self)) { self = .intEquals(i) } else { self = .generic(test) }
            case .compare(let op, let bound): self = .compare(op, bound)
            case .bool, .addresses: self = .never
            default: self = .generic(test)
            }
        case .address:
            switch test {
            case .addresses(let set): self = .addresses(set)
            case .string(let p) where p.kind == .equals:
                if let a = IPAddress(String(decoding: p.literal, as: UTF8.self)) { self = .addressEquals(a) } else { self = .generic(test) }
            case .number, .bool, .compare: self = .never
            default: self = .generic(test)
            }
        default:
            self = .generic(test)
        }
    }

    @inline(__always)
    func test(_ value: FlowValue, reader: FlowFieldReader) -> Bool {
        switch self {
        case .never: return false
        case .intEquals(let n):
            if case .int(let i) = value { return i == n }
            return false
        case .numberEquals(let n):
            switch value {
            case .int(let i): return Double(i) == n
            case .double(let d): return d == n
            default: return false
            }
        case .compare(let op, let bound):
            switch value {
            case .int(let i): return op.holds(Double(i), bound)
            case .double(let d): return op.holds(d, bound)
            default: return false
            }
        case .addressEquals(let a):
            if case .address(let x) = value { return x == a }
            return false
        case .addresses(let set):
            if case .address(let x) = value { return set.contains(x) }
            return false
        case .choices(let mask):
            if case .choice(let i) = value { return mask & (1 << UInt32(i)) != 0 }
            return false
        case .generic(let test):
            return test.test(value.fieldValue(reader))
        }
    }
}
