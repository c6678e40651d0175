import FirebreakLogs

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
