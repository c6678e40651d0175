/// Why a line that looks like an Amazon S3 server access log record could not be parsed.
public enum S3AccessLineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer space-delimited fields than the oldest records have (`bucket_owner` through `user_agent`).
    case fieldCount(minimum: Int, found: Int)
    /// A quoted field without its closing quote; `column` is 1-based.
    case unterminatedQuote(column: Int)
    /// A `[time]` field without its closing bracket; `column` is 1-based.
    case unterminatedBracket(column: Int)

    public var message: String {
        switch self {
        case .fieldCount(let minimum, let found):
            return "S3 server access log record has \(found) fields, at least \(minimum) expected"
        case .unterminatedQuote(let column):
            return "S3 server access log field \(column) opens a quote that is not closed"
        case .unterminatedBracket(let column):
            return "S3 server access log field \(column) opens a '[' that is not closed"
        }
    }

    public var description: String { message }
}
