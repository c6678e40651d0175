/// Parses Application Load Balancer access log entries: space-separated fields, some enclosed in double quotes
/// (inside which `\"` is a quote and `\\` a backslash). A quoted field ends at a quote followed by a space or the end of
/// the line; an unescaped quote elsewhere inside it is kept as text.
public enum ALBLogParser {
    /// Fields an entry has at least: `type` through `request`.
    public static let minimumFields = 13

    /// True when the bytes `s..<e` start like an entry: a type (`http`, `https`, `h2`, `grpcs`, `ws`, `wss`), a space,
    /// an ISO 8601 time (`dddd-dd-ddT`), a space, `app/`. Reads at most a few dozen bytes.
    @inline(__always)
    public static func looksLikeEntry(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        var i = s
        while i < e && i - s < 6 && p[i] != 0x20 { i += 1 }
        guard i < e, p[i] == 0x20 else { return false }
        switch i - s {
        case 2: guard (p[s] == 0x68 && p[s + 1] == 0x32) || (p[s] == 0x77 && p[s + 1] == 0x73) else { return false }  // h2, ws
        case 3: guard p[s] == 0x77 && p[s + 1] == 0x73 && p[s + 2] == 0x73 else { return false }  // wss
        case 4: guard matches(p, s, "http") else { return false }
        case 5: guard matches(p, s, "https") || matches(p, s, "grpcs") else { return false }
        default: return false
        }
        let t = i + 1
        guard e - t > 11 else { return false }
        for k in [0, 1, 2, 3, 5, 6, 8, 9] where !(p[t + k] >= 0x30 && p[t + k] <= 0x39) { return false }
        guard p[t + 4] == 0x2D, p[t + 7] == 0x2D, p[t + 10] == 0x54 else { return false }  // - - T
        var j = t + 11
        while j < e && j - t < 40 && p[j] != 0x20 { j += 1 }
        guard e - j > 4, p[j] == 0x20 else { return false }
        return matches(p, j + 1, "app/")
    }

    @inline(__always)
    private static func matches(_ p: UnsafePointer<UInt8>, _ at: Int, _ word: StaticString) -> Bool {
        let w = word.utf8Start
        for k in 0..<word.utf8CodeUnitCount where p[at + k] != w[k] { return false }
        return true
    }

    /// Parses one entry (the caller has checked `looksLikeEntry` or knows the source).
    public static func parse(_ line: String) throws(ALBLineError) -> ALBLogRecord {
        var columns: [String?] = []
        columns.reserveCapacity(ALBLogRecord.columnNames.count)
        let bytes = Array(line.utf8)
        var i = 0
        let n = bytes.count
        while i < n {
            while i < n && bytes[i] == 0x20 { i += 1 }
            if i >= n { break }
            if columns.count == ALBLogRecord.columnNames.count { break }  // later fields are ignored
            if bytes[i] == 0x22 {
                guard let quoted = QuotedField.scan(bytes, from: i) else { throw .unterminatedQuote(column: columns.count + 1) }
                columns.append(absent(quoted.value) ? nil : String(decoding: quoted.value, as: UTF8.self))
                i = quoted.next
            } else {
                var j = i
                while j < n && bytes[j] != 0x20 { j += 1 }
                let value = bytes[i..<j]
                columns.append(absent(value) ? nil : String(decoding: value, as: UTF8.self))
                i = j
            }
        }
        guard columns.count >= minimumFields else { throw .fieldCount(minimum: minimumFields, found: columns.count) }
        return ALBLogRecord(line: line, columns: columns)
    }

    private static func absent<C: Collection<UInt8>>(_ value: C) -> Bool {
        value.count == 1 && value.first == 0x2D
    }
}
