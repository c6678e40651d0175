/// A JSON object: members in document order plus fast lookup by key.
///
/// Duplicate keys are kept in `entries`; lookup returns the last one (like most parsers).
public struct JSONObject: Sendable, Equatable, Sequence {
    public private(set) var keys: [String]
    public private(set) var values: [JSONValue]
    /// Built only for large objects; smaller ones are scanned linearly (faster than hashing: a key of another
    /// length is passed over without reading it, and a CloudTrail record has about 20 members).
    private var index: [String: Int]?

    private static let indexThreshold = 32

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

    public subscript(key: String) -> JSONValue? {
        if let index { return index[key].map { values[$0] } }
        let length = key.utf8.count
        var i = keys.count - 1
        while i >= 0 {
            if keys[i].utf8.count == length && keys[i] == key { return values[i] }
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
