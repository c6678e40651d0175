/// A typed SNS message attribute: `DataType` (`String`, `Number`, `Binary`, `String.Array`, or a custom
/// `String.x`/`Number.x`/`Binary.x` type) and its value. For binary types the value is base64 text.
public struct SNSMessageAttribute: Sendable, Hashable {
    public var dataType: String
    public var value: String

    public init(dataType: String, value: String) {
        self.dataType = dataType
        self.value = value
    }

    public static func string(_ value: String) -> SNSMessageAttribute { .init(dataType: "String", value: value) }
    public static func number(_ value: String) -> SNSMessageAttribute { .init(dataType: "Number", value: value) }

    var isBinary: Bool { dataType == "Binary" || dataType.hasPrefix("Binary.") }
}
