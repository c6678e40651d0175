import FirebreakLogs

/// One compiled value of a field item: what a single field value is tested against.
enum ValuePredicate: Sendable {
    /// A Sigma string (wildcards, case-insensitive unless `cased`), against the value's text.
    case string(StringPattern)
    /// A YAML number: numeric fields and numeric strings of equal value.
    case number(Double)
    /// A YAML boolean: boolean fields and the strings `true`/`false` (any case).
    case bool(Bool)
    /// `re`: a regular expression searched in the value's text.
    case regex(RegexPredicate)
    /// `cidr`, or `expand` of an address list: the value is an address in the set.
    case addresses(IPSet)
    /// `expand` of a domain list: the value is a listed domain or a name below one.
    case domains(DomainSet)
    /// `gt`, `gte`, `lt`, `lte`: numeric comparison.
    case compare(Comparison, Double)

    enum Comparison: String, Sendable {
        case gt, gte, lt, lte

        @inline(__always)
        func holds(_ value: Double, _ bound: Double) -> Bool {
            switch self {
            case .gt: return value > bound
            case .gte: return value >= bound
            case .lt: return value < bound
            case .lte: return value <= bound
            }
        }
    }

    private static let truePattern = StringPattern(SigmaString(literal: "true"), cased: false)
    private static let falsePattern = StringPattern(SigmaString(literal: "false"), cased: false)

    /// Tests a JSON leaf (never an array: the caller visits elements). Objects are tested by their JSON text.
    func test(_ json: JSONValue) -> Bool {
        switch self {
        case .string(let pattern):
            switch json {
            case .string(let s): return pattern.matches(s)
            case .null: return false
            default: return pattern.matches(Self.text(json))
            }
        case .number(let n):
            switch json {
            case .int(let i): return Double(i) == n
            case .double(let d): return d == n
            case .string(let s): return Double(s) == n
            default: return false
            }
        case .bool(let b):
            switch json {
            case .bool(let x): return x == b
            case .string(let s): return (b ? Self.truePattern : Self.falsePattern).matches(s)
            default: return false
            }
        case .regex(let regex):
            switch json {
            case .string(let s): return regex.matches(s)
            case .null: return false
            default: return regex.matches(Self.text(json))
            }
        case .addresses(let set):
            guard case .string(let s) = json, let address = IPAddress(s) else { return false }
            return set.contains(address)
        case .domains(let set):
            guard case .string(let s) = json else { return false }
            return set.contains(s)
        case .compare(let op, let bound):
            switch json {
            case .int(let i): return op.holds(Double(i), bound)
            case .double(let d): return op.holds(d, bound)
            case .string(let s): return Double(s).map { op.holds($0, bound) } ?? false
            default: return false
            }
        }
    }

    /// Tests a field value of any log.
    func test(_ value: FieldValue) -> Bool {
        switch self {
        case .string(let pattern):
            if case .null = value { return false }
            return pattern.matches(value.description)
        case .number(let n):
            return value.number == n && !Self.isBool(value)
        case .bool(let b):
            switch value {
            case .bool(let x): return x == b
            case .string(let s): return (b ? Self.truePattern : Self.falsePattern).matches(s)
            default: return false
            }
        case .regex(let regex):
            if case .null = value { return false }
            return regex.matches(value.description)
        case .addresses(let set):
            return value.ipAddress.map(set.contains) ?? false
        case .domains(let set):
            guard case .string(let s) = value else { return false }
            return set.contains(s)
        case .compare(let op, let bound):
            return value.number.map { op.holds($0, bound) } ?? false
        }
    }

    private static func isBool(_ value: FieldValue) -> Bool {
        if case .bool = value { return true }
        return false
    }

    /// The text Sigma compares strings with: numbers and booleans as written, containers as JSON.
    static func text(_ json: JSONValue) -> String {
        switch json {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return FieldValue.double(d).description
        case .null: return "null"
        case .array, .object: return json.serialized()
        }
    }
}
