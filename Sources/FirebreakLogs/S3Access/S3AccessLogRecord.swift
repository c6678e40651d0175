/// One Amazon S3 server access log record (`logsource: {product: aws, service: s3}`), from either shape: the
/// space-delimited line S3 writes to a bucket, or the JSON object of CloudWatch Logs (and Firehose) delivery.
///
/// Values are kept as text, by `S3AccessLogField`: quotes and the brackets of `[time]` removed, `\"` / `\\`
/// unescaped; `-` (and JSON `null`) is absent. Fields after `acl_required` (ones AWS adds later) are ignored, as the
/// documentation asks; a line written before a field existed simply lacks it.
public struct S3AccessLogRecord: Sendable, Equatable {
    /// Which of the two shapes the record came in.
    public enum Shape: String, Sendable {
        /// The space-delimited line (`time` as `06/Feb/2019:00:00:38 +0000`).
        case line
        /// A CloudWatch Logs JSON object (`time` from `request_time`, ISO 8601).
        case json
    }

    /// The line as received, or the JSON object as compact text: what keyword selections search.
    public let line: String
    public let shape: Shape
    /// Values in `S3AccessLogField.allCases` order; nil where absent.
    let values: [String?]

    /// A record of `shape` with these field values (fields left out are absent).
    public init(line: String, shape: Shape, values: [S3AccessLogField: String]) {
        var ordered = [String?](repeating: nil, count: S3AccessLogField.allCases.count)
        for (field, value) in values { ordered[Self.position[field]!] = value }
        self.init(line: line, shape: shape, ordered: ordered)
    }

    init(line: String, shape: Shape, ordered: [String?]) {
        self.line = line
        self.shape = shape
        var values = ordered
        // The CloudWatch Logs shape names the bucket by its ARN too (arn:aws:s3:::name): either gives the bucket.
        let bucket = Self.position[.bucket]!
        if values[bucket] == nil, let arn = values[Self.position[.bucketARN]!], let colon = arn.lastIndex(of: ":") {
            let name = String(arn[arn.index(after: colon)...])
            if !name.isEmpty { values[bucket] = name }
        }
        self.values = values
    }

    static let position: [S3AccessLogField: Int] =
        Dictionary(uniqueKeysWithValues: S3AccessLogField.allCases.enumerated().map { ($1, $0) })

    /// The field's value as text; nil when absent.
    public func value(of field: S3AccessLogField) -> String? {
        values[Self.position[field]!]
    }

    /// The value of the field named `name` (an `S3AccessLogField` name); nil when absent or unknown.
    public func field(_ name: String) -> String? {
        S3AccessLogField(name: name).flatMap(value(of:))
    }

    /// The bucket the request was made to.
    public var bucket: String? { value(of: .bucket) }

    /// The requester's address.
    public var remoteIP: IPAddress? { value(of: .remoteIP).flatMap(IPAddress.init) }

    /// True for an unauthenticated request (`requester` is `-`, or null in JSON).
    public var isAnonymous: Bool { value(of: .requester) == nil }

    /// The record as a JSON object keyed by `S3AccessLogField` names (absent fields left out; numbers as numbers).
    public func jsonObject() -> JSONValue {
        var object = JSONObject()
        for (index, field) in S3AccessLogField.allCases.enumerated() {
            guard let text = values[index] else { continue }
            if field.kind == .integer, let n = Int64(text) {
                object.append(field.rawValue, .int(n))
            } else {
                object.append(field.rawValue, .string(text))
            }
        }
        return .object(object)
    }
}
