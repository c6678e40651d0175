/// Why a flow-log format string was rejected.
public enum FlowLogFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    /// A token that is neither `${name}` nor a bare field name.
    case invalidToken(String)
    case duplicateField(String)
    case tooManyFields(count: Int, limit: Int)

    public var message: String {
        switch self {
        case .empty: return "flow log format is empty: list fields as \"${version} ${account-id} ...\""
        case .invalidToken(let t): return "flow log format token \"\(t)\" is not ${field-name} or a field name"
        case .duplicateField(let f): return "flow log format lists field \"\(f)\" more than once"
        case .tooManyFields(let count, let limit): return "flow log format has \(count) fields, more than \(limit)"
        }
    }

    public var description: String { message }
}
