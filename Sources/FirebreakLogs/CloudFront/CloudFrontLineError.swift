/// Why a CloudFront standard log line, or its `#Fields:` header, could not be read.
public enum CloudFrontLineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A line with fewer tab-separated values than its format needs.
    case fieldCount(minimum: Int, found: Int)
    /// A `#Fields:` header naming more fields than `CloudFrontLogFormat.maxFields`.
    case tooManyFields(maximum: Int, found: Int)
    /// A `#Fields:` header naming no field.
    case emptyFieldsHeader

    public var message: String {
        switch self {
        case .fieldCount(let minimum, let found):
            return "CloudFront log line has \(found) tab-separated values, at least \(minimum) expected"
        case .tooManyFields(let maximum, _):
            return "CloudFront #Fields: header names more than \(maximum) fields; the lines after it are read in the default order"
        case .emptyFieldsHeader:
            return "CloudFront #Fields: header names no field; the lines after it are read in the default order"
        }
    }

    public var description: String { message }
}
