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
