import FirebreakLogs

/// A `ValuePredicate` specialised to one flow-log field's type at compile time.
enum FlowPredicate: Sendable {
    case never
    case intEquals(Int64)
    case numberEquals(Double)
    case compare(ValuePredicate.Comparison, Double)
    case addressEquals(IPAddress)
    case addresses(IPSet)
    /// Bit `i` set when choice `i` matches.
    case choices(UInt32)
    /// Anything else: the generic predicate on the value's `FieldValue` (its text for strings).
    case generic(ValuePredicate)

    init(_ predicate: ValuePredicate, reader: FlowFieldReader) {
        if let choices = reader.choices {
            var mask: UInt32 = 0
            for (i, text) in choices.enumerated() where predicate.test(FieldValue.string(text)) { mask |= 1 << UInt32(i) }
            self = .choices(mask)
            return
        }
        switch reader {
        case .integer, .unsigned:
            switch predicate {
            case .number(let n): self = n == n.rounded() && abs(n) < 9e18 ? .intEquals(Int64(n)) : .numberEquals(n)
            case .string(let p) where p.kind == .equals:
                if let i = Int64(String(decoding: p.literal, as: UTF8.self)) { self = .intEquals(i) } else { self = .generic(predicate) }
            case .compare(let op, let bound): self = .compare(op, bound)
            case .bool, .addresses, .domains: self = .never
            default: self = .generic(predicate)
            }
        case .address:
            switch predicate {
            case .addresses(let set): self = .addresses(set)
            case .string(let p) where p.kind == .equals:
                if let a = IPAddress(String(decoding: p.literal, as: UTF8.self)) { self = .addressEquals(a) } else { self = .generic(predicate) }
            case .number, .bool, .compare, .domains: self = .never
            default: self = .generic(predicate)
            }
        default:
            self = .generic(predicate)
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
        case .generic(let predicate):
            return predicate.test(value.fieldValue(reader))
        }
    }
}
