/// Why a Firehose delivery body was rejected.
public enum FirehoseDeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not valid JSON (or duplicate top-level fields); `offset` is the byte offset in the body.
    case malformedJSON(offset: Int, message: String)
    /// A required field is absent (`requestId`, `timestamp`, `records`, `records[i].data`).
    case missingField(String)
    /// A field has the wrong JSON type (e.g. `records[3].data` is not a string).
    case wrongType(field: String)
    /// More records than `FirehoseDeliveryLimits.maxRecords`.
    case tooManyRecords(count: Int, limit: Int)
    /// `records[recordIndex].data` is not valid standard padded base64.
    case invalidBase64(recordIndex: Int)
    /// `records[recordIndex].data` decodes to more than `FirehoseDeliveryLimits.maxRecordBytes`.
    case recordTooLarge(recordIndex: Int, size: Int, limit: Int)

    public var message: String {
        switch self {
        case .malformedJSON(let offset, let message):
            return "delivery body is not valid JSON at byte \(offset): \(message)"
        case .missingField(let name):
            return "delivery body is missing the required field \"\(name)\""
        case .wrongType(let field):
            return "delivery body field \"\(field)\" has the wrong type"
        case .tooManyRecords(let count, let limit):
            return "delivery has \(count) records, more than the limit of \(limit)"
        case .invalidBase64(let index):
            return "record \(index): \"data\" is not valid base64 (standard alphabet with padding)"
        case .recordTooLarge(let index, let size, let limit):
            return "record \(index): decoded size \(size) bytes exceeds the limit of \(limit) bytes"
        }
    }

    public var description: String { message }
}
