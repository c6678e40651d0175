/// Why an object of Firehose's S3 backup could not be read.
public enum FirehoseBackupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a sequence of JSON objects; `offset` is the byte offset in the (inflated) object.
    case malformedJSON(offset: Int, message: String)
    /// The `document`-th error record (0-based) has no `rawData` string.
    case missingRawData(document: Int)
    /// The `rawData` of the `document`-th error record is not standard padded base64.
    case invalidBase64(document: Int)
    /// The `rawData` of the `document`-th error record decodes to more than Firehose's record limit.
    case recordTooLarge(document: Int, size: Int, limit: Int)

    public var message: String {
        switch self {
        case .malformedJSON(let offset, let message):
            return "Firehose backup object is not valid JSON at byte \(offset): \(message)"
        case .missingRawData(let document):
            return "Firehose backup record \(document) has no \"rawData\" string"
        case .invalidBase64(let document):
            return "Firehose backup record \(document): \"rawData\" is not valid base64 (standard alphabet with padding)"
        case .recordTooLarge(let document, let size, let limit):
            return "Firehose backup record \(document): rawData decodes to \(size) bytes, more than the limit of \(limit)"
        }
    }

    public var description: String { message }
}
