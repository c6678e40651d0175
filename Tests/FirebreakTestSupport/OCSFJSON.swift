import Foundation

/// A JSON value as the OCSF validator checks it: booleans, integers and other numbers told apart (Foundation's
/// `JSONSerialization` gives them all as `NSNumber`), objects as dictionaries (member order does not matter to OCSF).
public indirect enum OCSFJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([OCSFJSON])
    case object([String: OCSFJSON])

    /// Parses JSON text; throws when it is not JSON.
    public init(parsing text: String) throws {
        self.init(foundation: try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]))
    }

    /// A value as `JSONSerialization` returns it.
    public init(foundation value: Any) {
        switch value {
        case let string as String: self = .string(string)
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c", "B": self = .bool(number.boolValue)   // how JSONSerialization stores true and false
            case "d", "f": self = .double(number.doubleValue)
            default: self = .int(number.int64Value)
            }
        case let array as [Any]: self = .array(array.map(OCSFJSON.init(foundation:)))
        case let object as [String: Any]: self = .object(object.mapValues(OCSFJSON.init(foundation:)))
        default: self = .null
        }
    }

    public subscript(key: String) -> OCSFJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var objectValue: [String: OCSFJSON]? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [OCSFJSON]? { if case .array(let a) = self { return a }; return nil }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var intValue: Int64? { if case .int(let i) = self { return i }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }

    /// This value with the member at `path` (object keys, or array positions as numbers) removed or replaced.
    public func setting(_ path: [String], to value: OCSFJSON?) -> OCSFJSON {
        guard let key = path.first else { return value ?? .null }
        switch self {
        case .object(var members):
            if path.count == 1 {
                members[key] = value
            } else if let child = members[key] {
                members[key] = child.setting(Array(path.dropFirst()), to: value)
            }
            return .object(members)
        case .array(var elements):
            guard let index = Int(key), elements.indices.contains(index) else { return self }
            if path.count == 1 {
                if let value { elements[index] = value } else { elements.remove(at: index) }
            } else {
                elements[index] = elements[index].setting(Array(path.dropFirst()), to: value)
            }
            return .array(elements)
        default:
            return self
        }
    }

    /// Compact JSON text, members sorted by key.
    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s):
            let data = try? JSONSerialization.data(withJSONObject: [s], options: [])
            return data.map { String(decoding: $0.dropFirst().dropLast(), as: UTF8.self) } ?? "\"\""
        case .array(let elements): return "[" + elements.map(\.text).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { OCSFJSON.string($0).text + ":" + members[$0]!.text }
                .joined(separator: ",") + "}"
        }
    }
}
