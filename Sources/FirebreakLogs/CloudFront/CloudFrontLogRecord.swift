/// One CloudFront standard log record (`logsource: {product: aws, service: cloudfront}`): a tab-separated line of a
/// legacy log file (its columns named by the file's `#Fields:` header, or the documented order without one) or a
/// standard logging (v2) JSON object.
///
/// Values are kept as text by field name, URL-decoded once (CloudFront writes spaces, quotes, `%` and other
/// characters as `%XX`, so one decoding gives the value as the viewer sent it); `-` and empty values are absent.
public struct CloudFrontLogRecord: Sendable, Equatable {
    /// Which shape the record came in.
    public enum Shape: String, Sendable {
        /// A tab-separated line of a log file.
        case line
        /// A standard logging (v2) JSON object.
        case json
    }

    /// The line as received, or the JSON object as compact text: what keyword selections search.
    public let line: String
    public let shape: Shape
    /// The column names of `values`.
    public let format: CloudFrontLogFormat
    /// Decoded values in `format` order; nil where absent.
    let values: [String?]

    public init(line: String, shape: Shape, format: CloudFrontLogFormat, values: [String?]) {
        self.line = line
        self.shape = shape
        self.format = format
        var padded = Array(values.prefix(format.fields.count))
        while padded.count < format.fields.count { padded.append(nil) }
        self.values = padded
    }

    /// The value of the field named `name` (`c-ip`, `cs(Host)`, any name of the format); nil when absent.
    public func field(_ name: String) -> String? {
        format.index[name].flatMap { values[$0] }
    }

    /// The field's value; nil when absent.
    public func value(of field: CloudFrontLogField) -> String? {
        self.field(field.rawValue)
    }

    /// The distribution the request was made to: its id (`DistributionId`, in v2 logs that select it), else its
    /// CloudFront domain name (`cs(Host)`, e.g. `d111111abcdef8.cloudfront.net`), else the `Host` the viewer sent
    /// (`x-host-header`).
    public var distribution: String? {
        value(of: .distributionID) ?? value(of: .host) ?? value(of: .hostHeader)
    }

    /// The viewer's address (or its proxy's; see `x-forwarded-for`).
    public var clientIP: IPAddress? { value(of: .clientIP).flatMap(IPAddress.init) }

    /// The record as a JSON object keyed by its field names (absent fields left out; known numeric fields as numbers).
    public func jsonObject() -> JSONValue {
        var object = JSONObject()
        for (name, value) in zip(format.fields, values) {
            guard let value else { continue }
            switch CloudFrontLogField.kind(of: name) {
            case .integer:
                if let n = Int64(value) { object.append(name, .int(n)); continue }
            case .decimal:
                if let d = Double(value), d.isFinite { object.append(name, .double(d)); continue }
            case .string, .address:
                break
            }
            object.append(name, .string(value))
        }
        return .object(object)
    }
}
