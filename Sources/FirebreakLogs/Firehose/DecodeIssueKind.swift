/// What kind of non-fatal problem a `DecodeIssue` reports.
public enum DecodeIssueKind: String, Sendable, CaseIterable {
    /// A flow-log line with the wrong field count or an invalid typed value.
    case flowLine
    /// A line that starts like an ALB access log entry but could not be parsed.
    case albLine
    /// A line that starts like an S3 server access log record but could not be parsed.
    case s3AccessLine
    /// A CloudFront standard log line (or `#Fields:` header) that could not be read.
    case cloudFrontLine
    /// Malformed JSON (a record, a line, or a CloudWatch Logs message).
    case json
    /// A CloudTrail envelope that could not be used.
    case cloudTrail
    /// A CloudWatch Logs payload problem (unknown messageType, event without message, ...).
    case cloudWatchLogs
    /// A line or message longer than the configured maximum (skipped).
    case lineTooLong
    /// More events in one record than the configured maximum (the rest was skipped).
    case tooManyEvents
    /// Compressed data inside already decompressed data (not decoded).
    case nestedCompression
}
