/// A record-level failure: the record cannot be decoded at all.
public enum RecordDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The record's gzip payload is corrupt, truncated or a bomb.
    case gzip(recordIndex: Int, GzipError)
    /// The file is a Firehose delivery body that is invalid.
    case delivery(FirehoseDeliveryError)
    /// The file is an object of Firehose's S3 backup (`FirehoseBackup`) that is invalid.
    case backup(FirehoseBackupError)
    /// A delivery's records together inflate to more than the budget `decodeDelivery` was given.
    case budgetExceeded(budget: Int)

    public var message: String {
        switch self {
        case .gzip(let index, let error): return "record \(index): \(error.message)"
        case .delivery(let error): return error.message
        case .backup(let error): return error.message
        case .budgetExceeded(let budget): return "the records inflate to more than \(budget) bytes together"
        }
    }

    public var description: String { message }
}
