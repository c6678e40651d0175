import Foundation

/// One DynamoDB attribute value, typed as the wire types it (`{"S": "..."}`, `{"N": "42"}`, ...).
///
/// Numbers stay decimal text, as DynamoDB sends them (up to 38 digits, more than any Swift integer holds);
/// `int64Value` reads the ones that fit. Binary values are bytes here and base64 on the wire.
public enum DynamoDBValue: Sendable, Hashable {
    case string(String)
    case number(String)
    case binary([UInt8])
    case bool(Bool)
    case null
    case list([DynamoDBValue])
    case map([String: DynamoDBValue])
    case stringSet([String])
    case numberSet([String])
    case binarySet([[UInt8]])

    /// A number attribute from an integer.
    public static func integer<I: BinaryInteger>(_ value: I) -> DynamoDBValue { .number(String(value)) }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// A number that is an integer within Int64; nil for any other value.
    public var int64Value: Int64? {
        if case .number(let text) = self { return Int64(text) }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var mapValue: [String: DynamoDBValue]? {
        if case .map(let value) = self { return value }
        return nil
    }

    public var listValue: [DynamoDBValue]? {
        if case .list(let value) = self { return value }
        return nil
    }

    public var stringSetValue: [String]? {
        if case .stringSet(let value) = self { return value }
        return nil
    }
}

/// An item: attribute name → value.
public typealias DynamoDBItem = [String: DynamoDBValue]

extension DynamoDBValue: Codable {
    private struct TypeKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        switch self {
        case .string(let value): try container.encode(value, forKey: TypeKey("S"))
        case .number(let value): try container.encode(value, forKey: TypeKey("N"))
        case .binary(let value): try container.encode(Data(value).base64EncodedString(), forKey: TypeKey("B"))
        case .bool(let value): try container.encode(value, forKey: TypeKey("BOOL"))
        case .null: try container.encode(true, forKey: TypeKey("NULL"))
        case .list(let value): try container.encode(value, forKey: TypeKey("L"))
        case .map(let value): try container.encode(value, forKey: TypeKey("M"))
        case .stringSet(let value): try container.encode(value, forKey: TypeKey("SS"))
        case .numberSet(let value): try container.encode(value, forKey: TypeKey("NS"))
        case .binarySet(let value): try container.encode(value.map { Data($0).base64EncodedString() }, forKey: TypeKey("BS"))
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "an attribute value has exactly one type key"))
        }
        func bytes(_ text: String) throws -> [UInt8] {
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "binary value is not base64")
            }
            return Array(data)
        }
        switch key.stringValue {
        case "S": self = .string(try container.decode(String.self, forKey: key))
        case "N": self = .number(try container.decode(String.self, forKey: key))
        case "B": self = .binary(try bytes(container.decode(String.self, forKey: key)))
        case "BOOL": self = .bool(try container.decode(Bool.self, forKey: key))
        case "NULL": self = .null
        case "L": self = .list(try container.decode([DynamoDBValue].self, forKey: key))
        case "M": self = .map(try container.decode([String: DynamoDBValue].self, forKey: key))
        case "SS": self = .stringSet(try container.decode([String].self, forKey: key))
        case "NS": self = .numberSet(try container.decode([String].self, forKey: key))
        case "BS": self = .binarySet(try container.decode([String].self, forKey: key).map(bytes))
        default:
            throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                   debugDescription: "unknown attribute type \(key.stringValue)")
        }
    }
}
