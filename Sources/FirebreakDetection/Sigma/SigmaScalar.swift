/// A YAML scalar of a detection, typed as YAML resolved it (quoted scalars are strings).
public enum SigmaScalar: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)

    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return FieldValue.double(d).description
        case .string(let s): return s
        }
    }
}
