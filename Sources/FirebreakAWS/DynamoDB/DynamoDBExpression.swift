/// A DynamoDB expression (condition, update, key condition, filter) with the placeholders it uses:
/// `#name` → an attribute name, `:value` → a value. Placeholders keep names that are reserved words (`status`,
/// `count`) and every value out of the expression's text.
public struct DynamoDBExpression: Sendable, Hashable {
    public var text: String
    public var names: [String: String]
    public var values: DynamoDBItem

    public init(_ text: String, names: [String: String] = [:], values: DynamoDBItem = [:]) {
        self.text = text
        self.names = names
        self.values = values
    }

    /// The placeholders of several expressions of one request, merged: DynamoDB takes one set per request. A
    /// placeholder two expressions define differently is refused (`invalidRequest`); nil when there are none.
    static func placeholders(_ expressions: [DynamoDBExpression?])
        throws(DynamoDBError) -> (names: [String: String]?, values: DynamoDBItem?) {
        var names: [String: String] = [:]
        var values: DynamoDBItem = [:]
        for expression in expressions {
            guard let expression else { continue }
            for (key, name) in expression.names {
                if let other = names[key], other != name {
                    throw .invalidRequest("the placeholder \(key) names both \(other) and \(name)")
                }
                names[key] = name
            }
            for (key, value) in expression.values {
                if let other = values[key], other != value {
                    throw .invalidRequest("the placeholder \(key) stands for two different values")
                }
                values[key] = value
            }
        }
        return (names.isEmpty ? nil : names, values.isEmpty ? nil : values)
    }
}
