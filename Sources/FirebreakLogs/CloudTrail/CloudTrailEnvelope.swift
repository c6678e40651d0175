/// How a CloudTrail record reached us.
public enum CloudTrailEnvelope: Sendable, Equatable {
    /// The record itself, as the whole Firehose record or text line.
    case bare
    /// One record in a CloudWatch Logs event `message` (trail delivering to a log group).
    case cloudWatchLogs
    /// The `detail` of an EventBridge event with a "... via CloudTrail" `detail-type`.
    case eventBridge(detailType: String)
    /// One element of the `Records` array of a CloudTrail S3 log file.
    case s3File

    /// `bare`, `cloudWatchLogs`, `eventBridge` or `s3File`.
    public var name: String {
        switch self {
        case .bare: return "bare"
        case .cloudWatchLogs: return "cloudWatchLogs"
        case .eventBridge: return "eventBridge"
        case .s3File: return "s3File"
        }
    }
}
