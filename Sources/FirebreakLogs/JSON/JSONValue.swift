/// A parsed JSON document. Integers that fit `Int64` stay exact (`.int`); other numbers are `.double`.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The member `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// The number as `Int64` when it is an integer (or a double with an exact integer value).
    public var int64Value: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d):
            guard d.rounded() == d, d >= -9.2e18, d <= 9.2e18 else { return nil }
            return Int64(d)
        default: return nil
        }
    }

    /// The number as `Double` (integers converted).
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    // MARK: Field paths

    /// The first value at `path` (object keys). Where the path meets an array, the rest of the
    /// path is applied to each element in order and the first match wins; see `values(at:)`.
    /// An empty path returns `self`. An array found at the end of the path is returned as is.
    public func value(at path: [String]) -> JSONValue? {
        value(at: path[...])
    }

    /// `value(at:)` with a dotted path such as `"userIdentity.type"`.
    public func value(at dottedPath: String) -> JSONValue? {
        value(at: JSONValue.splitPath(dottedPath)[...])
    }

    /// Every value at `path`: where the path meets an array, each element is followed, so
    /// `requestParameters.ipPermissions.items.ipRanges.items.cidrIp` returns every CIDR of every
    /// permission. Order is document order.
    public func values(at path: [String]) -> [JSONValue] {
        var out: [JSONValue] = []
        collect(path[...], into: &out)
        return out
    }

    /// `values(at:)` with a dotted path.
    public func values(at dottedPath: String) -> [JSONValue] {
        values(at: JSONValue.splitPath(dottedPath))
    }

    static func splitPath(_ path: String) -> [String] {
        path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    private func value(at path: ArraySlice<String>) -> JSONValue? {
        guard let key = path.first else { return self }
        switch self {
        case .object(let object):
            return object[key]?.value(at: path.dropFirst())
        case .array(let elements):
            for element in elements {
                if let found = element.value(at: path) { return found }
            }
            return nil
        default:
            return nil
        }
    }

    private func collect(_ path: ArraySlice<String>, into out: inout [JSONValue]) {
        guard let key = path.first else { out.append(self); return }
        switch self {
        case .object(let object):
            object[key]?.collect(path.dropFirst(), into: &out)
        case .array(let elements):
            for element in elements { element.collect(path, into: &out) }
        default:
            return
        }
    }
}

/// A JSON object: members in document order plus fast lookup by key.
///
/// Duplicate keys are kept in `entries`; lookup returns the last one (like most parsers).
public struct JSONObject: Sendable, Equatable, Sequence {
    public private(set) var keys: [String]
    public private(set) var values: [JSONValue]
    /// Built only for larger objects; small ones are scanned linearly (faster than hashing).
    private var index: [String: Int]?

    private static let indexThreshold = 8

    public init() {
        keys = []
        values = []
        index = nil
    }

    public init(_ members: [(String, JSONValue)]) {
        self.init()
        keys.reserveCapacity(members.count)
        values.reserveCapacity(members.count)
        for (k, v) in members { append(k, v) }
    }

    init(keys: [String], values: [JSONValue]) {
        self.keys = keys
        self.values = values
        index = nil
        if keys.count > JSONObject.indexThreshold {
            var dict = [String: Int](minimumCapacity: keys.count)
            for (i, k) in keys.enumerated() { dict[k] = i }
            index = dict
        }
    }

    /// Appends a member (a later duplicate key shadows an earlier one for lookup).
    public mutating func append(_ key: String, _ value: JSONValue) {
        keys.append(key)
        values.append(value)
        if index != nil {
            index?[key] = keys.count - 1
        } else if keys.count > JSONObject.indexThreshold {
            var dict = [String: Int](minimumCapacity: keys.count * 2)
            for (i, k) in keys.enumerated() { dict[k] = i }
            index = dict
        }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public subscript(key: String) -> JSONValue? {
        if let index { return index[key].map { values[$0] } }
        var i = keys.count - 1
        while i >= 0 {
            if keys[i] == key { return values[i] }
            i -= 1
        }
        return nil
    }

    public func makeIterator() -> AnyIterator<(key: String, value: JSONValue)> {
        var i = 0
        return AnyIterator {
            guard i < keys.count else { return nil }
            defer { i += 1 }
            return (keys[i], values[i])
        }
    }

    /// Equal when both objects map the same keys to equal values (member order is ignored).
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for key in lhs.keys where lhs[key] != rhs[key] { return false }
        return true
    }
}
