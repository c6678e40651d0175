import FirebreakLogs

/// Why a delivery was not accepted, with the status Firehose must see.
///
/// 4xx and 5xx make Firehose retry and, when its retry window ends, write the batch to its S3
/// backup; 413 alone is permanent, so it is used only for a body over the configured maximum, or one that
/// inflates past the delivery's decompression budget.
public enum FirehoseRequestError: Error, Sendable, Equatable {
    case unauthorized
    case missingRequestId
    case requestIDMismatch(header: String, body: String)
    case unsupportedContentEncoding(String)
    case malformedCommonAttributes(String)
    case malformedBody(String)
    case delivery(FirehoseDeliveryError)
    case record(RecordDecodeError)
    /// The body and records together inflate past `firehose.max_decompressed_bytes`.
    case decompressedTooLarge(limit: Int)
    case overloaded
    case unavailable(String)
    case processing(String)

    public var status: Int {
        switch self {
        case .unauthorized: return 401
        case .overloaded, .unavailable: return 503
        case .processing: return 500
        case .decompressedTooLarge: return 413
        default: return 400
        }
    }

    /// The `errorMessage` Firehose records and copies into its S3 error output.
    public var message: String {
        switch self {
        case .unauthorized:
            return "missing or wrong X-Amz-Firehose-Access-Key"
        case .missingRequestId:
            return "no X-Amz-Firehose-Request-Id header and no requestId in the body"
        case .requestIDMismatch(let header, let body):
            return "X-Amz-Firehose-Request-Id '\(header)' differs from the body's requestId '\(body)'"
        case .unsupportedContentEncoding(let encoding):
            return "unsupported Content-Encoding '\(encoding)': only gzip or none"
        case .malformedCommonAttributes(let reason):
            return "X-Amz-Firehose-Common-Attributes is not {\"commonAttributes\":{...}}: \(reason)"
        case .malformedBody(let reason):
            return "the gzip'd request body cannot be decoded: \(reason)"
        case .delivery(let error):
            return error.message
        case .record(let error):
            return error.message
        case .decompressedTooLarge(let limit):
            return "the delivery inflates to more than \(limit) bytes (firehose.max_decompressed_bytes); it was refused while inflating"
        case .overloaded:
            return "every worker is busy and the queue is full; retry later"
        case .unavailable(let reason):
            return "the delivery cannot be made durable now (\(reason)); retry later"
        case .processing(let reason):
            return "internal error while processing the delivery: \(reason)"
        }
    }

    /// Label for `firebreak_decode_errors_total{kind=...}`, nil when not a decode error.
    var decodeErrorKind: String? {
        switch self {
        case .malformedBody: return "body_gzip"
        case .delivery: return "delivery"
        case .record: return "record"
        case .decompressedTooLarge: return "decompressed_size"
        case .requestIDMismatch, .missingRequestId: return "request_id"
        case .malformedCommonAttributes: return "common_attributes"
        default: return nil
        }
    }
}
