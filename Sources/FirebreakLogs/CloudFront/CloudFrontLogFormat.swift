/// The columns of a CloudFront standard log: the field names of a `#Fields:` header line, or the legacy log file's
/// documented order for lines read without one. Immutable; the lines of one file share it.
public final class CloudFrontLogFormat: Sendable, Equatable {
    /// Most fields a format may name (a longer `#Fields:` line is refused). The legacy file has 33.
    public static let maxFields = 128

    /// Field names in column order.
    public let fields: [String]
    let index: [String: Int]

    /// A format of these field names; throws when there are none or more than `maxFields`.
    public init(fields: [String]) throws(CloudFrontLineError) {
        guard !fields.isEmpty else { throw .emptyFieldsHeader }
        guard fields.count <= Self.maxFields else { throw .tooManyFields(maximum: Self.maxFields, found: fields.count) }
        self.fields = fields
        var index: [String: Int] = [:]
        for (i, name) in fields.enumerated() where index[name] == nil { index[name] = i }
        self.index = index
    }

    private init(checked fields: [String]) {
        self.fields = fields
        self.index = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1, $0) })
    }

    /// The legacy log file's 33 fields, `date` through `sc-range-end`.
    public static let legacy = CloudFrontLogFormat(checked: CloudFrontLogField.legacyFields.map(\.rawValue))

    /// True when this format names a field only CloudFront logs have (`x-edge-location`, `x-edge-request-id`,
    /// `x-edge-result-type`, ...): a `#Fields:` header of another W3C log (a web server's) does not.
    public var isCloudFront: Bool {
        fields.contains { $0.hasPrefix("x-edge-") }
    }

    /// The format of a `#Fields: date time ...` line (names separated by spaces or tabs), nil when the text is not
    /// such a line; throws when it names no field or too many.
    public static func fromHeaderLine(_ line: String) throws(CloudFrontLineError) -> CloudFrontLogFormat? {
        guard line.hasPrefix("#Fields:") else { return nil }
        var names: [String] = []
        for name in line.dropFirst("#Fields:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            names.append(String(name))
            if names.count > maxFields { throw .tooManyFields(maximum: maxFields, found: names.count) }
        }
        return try CloudFrontLogFormat(fields: names)
    }

    public static func == (lhs: CloudFrontLogFormat, rhs: CloudFrontLogFormat) -> Bool {
        lhs === rhs || lhs.fields == rhs.fields
    }
}
