/// A field of an Amazon S3 server access log record, named in snake_case after the S3 user guide's "Amazon S3 server
/// access log format" (in its order), then the members only the CloudWatch Logs JSON shape has.
public enum S3AccessLogField: String, Sendable, CaseIterable {
    case bucketOwner = "bucket_owner"
    case bucket
    case time
    case remoteIP = "remote_ip"
    case requester
    case requestID = "request_id"
    case operation
    case key
    case requestURI = "request_uri"
    case httpStatus = "http_status"
    case errorCode = "error_code"
    case bytesSent = "bytes_sent"
    case objectSize = "object_size"
    case totalTime = "total_time"
    case turnAroundTime = "turn_around_time"
    case referer
    case userAgent = "user_agent"
    case versionID = "version_id"
    case hostID = "host_id"
    case signatureVersion = "signature_version"
    case cipherSuite = "cipher_suite"
    case authenticationType = "authentication_type"
    case hostHeader = "host_header"
    case tlsVersion = "tls_version"
    case accessPointARN = "access_point_arn"
    case aclRequired = "acl_required"
    /// The bucket's ARN (CloudWatch Logs JSON only).
    case bucketARN = "bucket_arn"
    /// The record schema's version, e.g. `V_1_0` (CloudWatch Logs JSON only).
    case schemaVersionID = "schema_version_id"

    /// The fields of the space-delimited line, in the order the documentation lists them.
    public static let lineFields: [S3AccessLogField] = Array(allCases.prefix(26))

    /// How rules compare the field's value.
    public var kind: TextFieldKind {
        switch self {
        case .remoteIP: return .address
        case .httpStatus, .bytesSent, .objectSize, .totalTime, .turnAroundTime: return .integer
        default: return .string
        }
    }

    private static let byName: [String: S3AccessLogField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

    /// The field with this name (`remote_ip`, `http_status`, ...), or nil.
    public init?(name: String) {
        guard let field = Self.byName[name] else { return nil }
        self = field
    }
}
