/// Reads CloudFront standard logs: the lines of a legacy log file (W3C extended format: `#Version:` and `#Fields:`
/// header lines, then tab-separated values, URL-encoded) and standard logging (v2) JSON records.
public enum CloudFrontLogParser {
    /// Values a line read in the default (legacy) order needs at least: `date` through `sc-status`. A line read with a
    /// `#Fields:` header needs a value for every field it names.
    public static let minimumDefaultFields = 9

    /// True when the bytes `s..<e` start like a log line: a date `dddd-dd-dd`, a tab, a time `dd:dd:dd`, a tab.
    @inline(__always)
    public static func looksLikeEntry(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        guard e - s > 20 else { return false }
        for k in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] where !(p[s + k] >= 0x30 && p[s + k] <= 0x39) { return false }
        return p[s + 4] == 0x2D && p[s + 7] == 0x2D && p[s + 10] == 0x09 && p[s + 13] == 0x3A && p[s + 16] == 0x3A
            && p[s + 19] == 0x09
    }

    /// True when the bytes `s..<e` start with `#Version:` (the first header line of a log file).
    @inline(__always)
    public static func isVersionLine(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        starts(p, s, e, "#Version:")
    }

    /// True when the bytes `s..<e` start with `#Fields:`.
    @inline(__always)
    public static func isFieldsLine(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        starts(p, s, e, "#Fields:")
    }

    @inline(__always)
    private static func starts(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ word: StaticString) -> Bool {
        guard e - s >= word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<word.utf8CodeUnitCount where p[s + k] != w[k] { return false }
        return true
    }

    /// Parses one tab-separated line with `format` (the legacy order when the file has no `#Fields:` header). Values
    /// past the format's fields are ignored.
    public static func parse(_ line: String, format: CloudFrontLogFormat = .legacy) throws(CloudFrontLineError) -> CloudFrontLogRecord {
        let count = format.fields.count
        var values: [String?] = []
        values.reserveCapacity(count)
        var rest = line.utf8[...]
        while values.count < count {
            let tab = rest.firstIndex(of: 0x09)
            let value = rest[..<(tab ?? rest.endIndex)]
            values.append(decoded(value))
            guard let tab else { break }
            rest = rest[rest.index(after: tab)...]
        }
        let minimum = format == .legacy ? min(minimumDefaultFields, count) : count
        guard values.count >= minimum else { throw .fieldCount(minimum: minimum, found: values.count) }
        return CloudFrontLogRecord(line: line, shape: .line, format: format, values: values)
    }

    /// `value` URL-decoded once (`%XX` to the byte; a `%` not followed by two hex digits is kept); nil for `-` and empty.
    static func decoded<C: Collection<UInt8>>(_ value: C) -> String? {
        if value.isEmpty || (value.count == 1 && value.first == 0x2D) { return nil }
        guard value.contains(0x25) else { return String(decoding: value, as: UTF8.self) }
        let bytes = Array(value)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x25, i + 2 < bytes.count, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    // MARK: Standard logging (v2) JSON

    /// Members only CloudFront logs have, any of which marks a JSON object as a CloudFront record.
    static let markers = ["x-edge-location", "x-edge-request-id", "x-edge-result-type", "x-edge-response-result-type",
                          "x-edge-detailed-result-type"]

    /// True when `value` is an object shaped like a standard logging (v2) record: a member named `x-edge-…` (see
    /// `markers`), or `c-ip` with `cs-uri-stem` or `sc-status`.
    public static func looksLikeRecord(_ value: JSONValue) -> Bool {
        guard case .object(let o) = value else { return false }
        if markers.contains(where: { o[$0] != nil }) { return true }
        return o["c-ip"] != nil && (o["cs-uri-stem"] != nil || o["sc-status"] != nil)
    }

    /// The record of a standard logging (v2) JSON object, or nil when it does not look like one (`looksLikeRecord`).
    /// Members are the fields, in their order (the first `CloudFrontLogFormat.maxFields` that hold a string, number or
    /// boolean); strings are URL-decoded as in a log file.
    public static func record(json value: JSONValue) -> CloudFrontLogRecord? {
        guard looksLikeRecord(value), case .object(let object) = value else { return nil }
        var names: [String] = []
        var values: [String?] = []
        for (key, member) in object {
            if names.count == CloudFrontLogFormat.maxFields { break }
            let text: String?
            switch member {
            case .string(let s): text = decoded(s.utf8)
            case .int(let i): text = String(i)
            case .double(let d): text = d.isFinite ? String(d) : nil
            case .bool(let b): text = b ? "true" : "false"
            case .null: text = nil
            case .array, .object: continue
            }
            names.append(key)
            values.append(text)
        }
        guard let format = try? CloudFrontLogFormat(fields: names) else { return nil }
        return CloudFrontLogRecord(line: value.serialized(), shape: .json, format: format, values: values)
    }
}
