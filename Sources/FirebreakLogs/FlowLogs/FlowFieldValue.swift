/// A typed field value, as returned by `FlowLogRecord.field(_:)`.
public enum FlowFieldValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    /// Ports, protocol, version, start/end, tcp-flags, traffic-path.
    case integer(Int64)
    /// packets, bytes.
    case unsigned(UInt64)
    case address(IPAddress)
    case action(FlowAction)
    case logStatus(FlowLogStatus)
    case trafficType(FlowTrafficType)
    case flowDirection(FlowDirection)

    /// The value as it appears in the log line.
    public var description: String {
        switch self {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .unsigned(let u): return String(u)
        case .address(let a): return a.description
        case .action(let a): return a.rawValue
        case .logStatus(let s): return s.rawValue
        case .trafficType(let t): return t.rawValue
        case .flowDirection(let d): return d.rawValue
        }
    }

    /// Integer value for `.integer` and (when it fits) `.unsigned`.
    public var int64Value: Int64? {
        switch self {
        case .integer(let i): return i
        case .unsigned(let u): return u <= UInt64(Int64.max) ? Int64(u) : nil
        default: return nil
        }
    }

    /// JSON rendering: numbers as numbers, everything else as strings.
    public var jsonValue: JSONValue {
        switch self {
        case .integer(let i): return .int(i)
        case .unsigned(let u): return u <= UInt64(Int64.max) ? .int(Int64(u)) : .double(Double(u))
        default: return .string(description)
        }
    }
}
