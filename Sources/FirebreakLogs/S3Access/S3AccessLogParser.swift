/// Parses Amazon S3 server access log records in both shapes.
///
/// The line: space-delimited fields in the documented order; `request_uri`, `referer` and `user_agent` enclosed in
/// double quotes (inside which `\"` is a quote and `\\` a backslash; a quote ends the field only before a space or the
/// end of the line), `time` in brackets (`[06/Feb/2019:00:00:38 +0000]`, which holds a space). At most the documented
/// fields are read: the rest of a longer line is ignored.
///
/// The JSON object of CloudWatch Logs delivery: its documented members (`bucket_name`, `request_time`,
/// `bucket_owner_id`, `key_name`, ...) are read as the line's fields of the same meaning; members named as the
/// line's fields are read as they are.
public enum S3AccessLogParser {
    /// Fields a line has at least: `bucket_owner` through `user_agent`, the oldest records' fields.
    public static let minimumFields = 17

    /// True when the bytes `s..<e` start like a record: a token (the bucket owner), a space, a token (the bucket), a
    /// space and `[dd/Mon/yyyy:`. Reads at most a few hundred bytes.
    @inline(__always)
    public static func looksLikeEntry(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        var i = s
        for limit in [128, 255] {
            let start = i
            while i < e && i - start < limit && p[i] != 0x20 { i += 1 }
            guard i > start, i < e, p[i] == 0x20 else { return false }
            i += 1
        }
        guard e - i >= 13, p[i] == 0x5B else { return false }  // [
        func digit(_ k: Int) -> Bool { p[i + k] >= 0x30 && p[i + k] <= 0x39 }
        func letter(_ k: Int) -> Bool { (p[i + k] | 0x20) >= 0x61 && (p[i + k] | 0x20) <= 0x7A }
        return digit(1) && digit(2) && p[i + 3] == 0x2F && letter(4) && letter(5) && letter(6) && p[i + 7] == 0x2F
            && digit(8) && digit(9) && digit(10) && digit(11) && p[i + 12] == 0x3A
    }

    /// Parses one line (the caller has checked `looksLikeEntry` or knows the source).
    public static func parse(_ line: String) throws(S3AccessLineError) -> S3AccessLogRecord {
        let fields = S3AccessLogField.lineFields
        var columns: [String?] = []
        columns.reserveCapacity(fields.count)
        let bytes = Array(line.utf8)
        var i = 0
        let n = bytes.count
        while i < n {
            while i < n && bytes[i] == 0x20 { i += 1 }
            if i >= n || columns.count == fields.count { break }  // later fields are ignored
            if bytes[i] == 0x22 {  // "quoted"
                guard let quoted = QuotedField.scan(bytes, from: i) else { throw .unterminatedQuote(column: columns.count + 1) }
                columns.append(text(quoted.value[...]))
                i = quoted.next
            } else if bytes[i] == 0x5B {  // [bracketed]
                var j = i + 1
                while j < n && !(bytes[j] == 0x5D && (j + 1 == n || bytes[j + 1] == 0x20)) { j += 1 }
                guard j < n else { throw .unterminatedBracket(column: columns.count + 1) }
                columns.append(text(bytes[(i + 1)..<j]))
                i = j + 1
            } else {
                var j = i
                while j < n && bytes[j] != 0x20 { j += 1 }
                columns.append(text(bytes[i..<j]))
                i = j
            }
        }
        guard columns.count >= minimumFields else { throw .fieldCount(minimum: minimumFields, found: columns.count) }
        var ordered = [String?](repeating: nil, count: S3AccessLogField.allCases.count)
        for (k, value) in columns.enumerated() { ordered[S3AccessLogRecord.position[fields[k]]!] = value }
        return S3AccessLogRecord(line: line, shape: .line, ordered: ordered)
    }

    /// `-` (unknown, not applicable) is absent.
    private static func text(_ value: ArraySlice<UInt8>) -> String? {
        value.count == 1 && value.first == 0x2D ? nil : String(decoding: value, as: UTF8.self)
    }

    // MARK: CloudWatch Logs JSON

    /// The line field each JSON member gives: the documented CloudWatch Logs names, the line's own names, and the
    /// short names some tools use for the later fields.
    static let jsonNames: [String: S3AccessLogField] = {
        var names = Dictionary(uniqueKeysWithValues: S3AccessLogField.allCases.map { ($0.rawValue, $0) })
        let aliases: [String: S3AccessLogField] = [
            "bucket_name": .bucket, "request_time": .time, "bucket_owner_id": .bucketOwner, "key_name": .key,
            "referrer": .referer, "sig_version": .signatureVersion, "cipher": .cipherSuite, "auth_type": .authenticationType,
        ]
        names.merge(aliases) { current, _ in current }
        return names
    }()

    /// True when `value` is an object shaped like a CloudWatch Logs S3 server access log record: a string
    /// `operation`, a bucket (`bucket_name`, `bucket_arn` or `bucket`) and a time (`request_time` or `time`).
    public static func looksLikeRecord(_ value: JSONValue) -> Bool {
        guard case .object(let o) = value, o["operation"]?.stringValue != nil else { return false }
        return (o["bucket_name"] ?? o["bucket_arn"] ?? o["bucket"])?.stringValue != nil
            && (o["request_time"] ?? o["time"])?.stringValue != nil
    }

    /// The record of a CloudWatch Logs JSON object, or nil when it does not look like one (`looksLikeRecord`).
    /// Strings, numbers and booleans are read as text; `null`, `-`, objects and arrays are absent.
    public static func record(json value: JSONValue) -> S3AccessLogRecord? {
        guard looksLikeRecord(value), case .object(let object) = value else { return nil }
        var values: [S3AccessLogField: String] = [:]
        for (key, member) in object {
            guard let field = jsonNames[key], values[field] == nil else { continue }
            let text: String?
            switch member {
            case .string(let s): text = s == "-" ? nil : s
            case .int(let i): text = String(i)
            case .double(let d): text = d.isFinite ? String(d) : nil
            case .bool(let b): text = b ? "true" : "false"
            case .null, .array, .object: text = nil
            }
            if let text { values[field] = text }
        }
        return S3AccessLogRecord(line: value.serialized(), shape: .json, values: values)
    }
}
