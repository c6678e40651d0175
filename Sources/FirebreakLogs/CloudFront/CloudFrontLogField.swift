/// The fields of CloudFront standard logs, named as in the `#Fields:` header line (W3C names): the 33 fields of the
/// legacy log file in the documented order ("Standard log file fields" in the CloudFront developer guide), then
/// fields standard logging (v2) can add.
public enum CloudFrontLogField: String, Sendable, CaseIterable {
    case date
    case time
    case edgeLocation = "x-edge-location"
    case scBytes = "sc-bytes"
    case clientIP = "c-ip"
    case method = "cs-method"
    case host = "cs(Host)"
    case uriStem = "cs-uri-stem"
    case status = "sc-status"
    case referer = "cs(Referer)"
    case userAgent = "cs(User-Agent)"
    case uriQuery = "cs-uri-query"
    case cookie = "cs(Cookie)"
    case edgeResultType = "x-edge-result-type"
    case edgeRequestID = "x-edge-request-id"
    case hostHeader = "x-host-header"
    case proto = "cs-protocol"
    case csBytes = "cs-bytes"
    case timeTaken = "time-taken"
    case forwardedFor = "x-forwarded-for"
    case sslProtocol = "ssl-protocol"
    case sslCipher = "ssl-cipher"
    case edgeResponseResultType = "x-edge-response-result-type"
    case protocolVersion = "cs-protocol-version"
    case fleStatus = "fle-status"
    case fleEncryptedFields = "fle-encrypted-fields"
    case clientPort = "c-port"
    case timeToFirstByte = "time-to-first-byte"
    case edgeDetailedResultType = "x-edge-detailed-result-type"
    case contentType = "sc-content-type"
    case contentLength = "sc-content-len"
    case rangeStart = "sc-range-start"
    case rangeEnd = "sc-range-end"
    // Standard logging (v2) only.
    case distributionID = "DistributionId"
    case timestamp
    case timestampMillis = "timestamp(ms)"
    case originFirstByteLatency = "origin-fbl"
    case originLastByteLatency = "origin-lbl"
    case asn
    case country = "c-country"
    case cacheBehaviorPathPattern = "cache-behavior-path-pattern"

    /// The legacy log file's fields in order: the columns of a line read without a `#Fields:` header.
    public static let legacyFields: [CloudFrontLogField] = Array(allCases.prefix(33))

    /// How rules compare the field's value.
    public var kind: TextFieldKind {
        switch self {
        case .clientIP, .forwardedFor: return .address
        case .scBytes, .status, .csBytes, .clientPort, .contentLength, .rangeStart, .rangeEnd, .timestampMillis, .asn:
            return .integer
        case .timeTaken, .timeToFirstByte, .originFirstByteLatency, .originLastByteLatency, .timestamp: return .decimal
        default: return .string
        }
    }

    private static let byName: [String: CloudFrontLogField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

    /// The field with this name (`c-ip`, `cs(Host)`, ...), or nil.
    public init?(name: String) {
        guard let field = Self.byName[name] else { return nil }
        self = field
    }

    /// How rules compare the field named `name`: its kind when it is a known field, else text.
    public static func kind(of name: String) -> TextFieldKind {
        CloudFrontLogField(name: name)?.kind ?? .string
    }
}
