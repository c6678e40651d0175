/// Why a line that looks like an Application Load Balancer access log entry could not be parsed.
public enum ALBLineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer space-separated fields than an entry has up to `request`.
    case fieldCount(minimum: Int, found: Int)
    /// A quoted field without its closing quote; `column` is 1-based.
    case unterminatedQuote(column: Int)

    public var message: String {
        switch self {
        case .fieldCount(let minimum, let found):
            return "ALB access log entry has \(found) fields, at least \(minimum) expected"
        case .unterminatedQuote(let column):
            return "ALB access log field \(column) opens a quote that is not closed"
        }
    }

    public var description: String { message }
}
