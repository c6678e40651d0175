/// Why a flow-log line could not be parsed with the configured format.
public enum FlowLineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line has a different number of space-separated fields than the format.
    case fieldCount(expected: Int, found: Int)
    /// A typed field's value is not valid; `column` is 1-based.
    case invalidValue(field: String, column: Int, value: String)

    public var message: String {
        switch self {
        case .fieldCount(let expected, let found):
            return "flow log line has \(found) fields, the format has \(expected)"
        case .invalidValue(let field, let column, let value):
            return "flow log field \(column) (\(field)): invalid value \"\(value)\""
        }
    }

    public var description: String { message }
}
