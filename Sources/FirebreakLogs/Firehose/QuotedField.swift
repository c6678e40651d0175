/// A `"quoted"` field of a space-delimited access log line (ALB, S3 server access): `\"` and `\\` stand for `"` and
/// `\`, and the field ends at a quote followed by a space or the end of the line (a quote elsewhere is its own byte).
enum QuotedField {
    /// The unescaped bytes of the field whose opening quote is at `start`, and the index after its closing quote;
    /// nil when it is never closed.
    static func scan(_ bytes: [UInt8], from start: Int) -> (value: [UInt8], next: Int)? {
        let n = bytes.count
        var value: [UInt8] = []
        var j = start + 1
        while j < n {
            let c = bytes[j]
            if c == 0x5C && j + 1 < n && (bytes[j + 1] == 0x22 || bytes[j + 1] == 0x5C) {
                value.append(bytes[j + 1])
                j += 2
                continue
            }
            if c == 0x22 && (j + 1 == n || bytes[j + 1] == 0x20) { return (value, j + 1) }
            value.append(c)
            j += 1
        }
        return nil
    }
}
