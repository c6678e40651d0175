import FirebreakLogs

/// A field's value as rules see it, whatever log it came from.
public enum FieldValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case address(IPAddress)

    /// The value as Sigma compares plain strings (numbers and addresses in their usual text).
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .string(let s): return s
        case .address(let a): return a.description
        }
    }

    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array, .object: self = .string(json.serialized())
        }
    }

    public init(_ flow: FlowFieldValue) {
        switch flow {
        case .string(let s): self = .string(s)
        case .integer(let i): self = .int(i)
        case .unsigned(let u): self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .double(Double(u))
        case .address(let a): self = .address(a)
        case .action(let a): self = .string(a.rawValue)
        case .logStatus(let s): self = .string(s.rawValue)
        case .trafficType(let t): self = .string(t.rawValue)
        case .flowDirection(let d): self = .string(d.rawValue)
        }
    }

    /// An ALB field's text typed as the field is: a number, an address, else the text.
    public init(_ text: String, kind: ALBLogField.Kind) {
        switch kind {
        case .integer: self = Int64(text).map(FieldValue.int) ?? .string(text)
        case .decimal: self = Double(text).map(FieldValue.double) ?? .string(text)
        case .address: self = IPAddress(text).map(FieldValue.address) ?? .string(text)
        case .string: self = .string(text)
        }
    }

    /// Numeric value for `gt`/`lt` comparisons: integers, doubles and numeric strings.
    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(s)
        default: return nil
        }
    }

    /// The address for `cidr` and intel lookups: addresses, and strings that parse as one.
    public var ipAddress: IPAddress? {
        switch self {
        case .address(let a): return a
        case .string(let s): return IPAddress(s)
        default: return nil
        }
    }
}
