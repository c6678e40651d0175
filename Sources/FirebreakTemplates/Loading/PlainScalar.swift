/// Resolution of a plain (unquoted) YAML scalar with the JSON-compatible part of the YAML 1.2 core
/// schema: `true`/`false` are booleans, numbers keep their literal, `null`/`~`/empty are null, anything
/// else (`yes`, `on`, `2010-09-09`, ...) is a string.
enum PlainScalar {
    static func value(_ text: String) -> TemplateValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: return isNumber(text) ? .number(text) : .string(text)
        }
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `0x..`, `0o..`, `.inf`, `.nan`.
    static func isNumber(_ text: String) -> Bool {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
            return true
        default: break
        }
        var bytes = Substring(text).utf8[...]
        if bytes.starts(with: "0x".utf8) || bytes.starts(with: "0o".utf8) {
            let digits = bytes.dropFirst(2)
            let hex = bytes.starts(with: "0x".utf8)
            return !digits.isEmpty && digits.allSatisfy { byte in
                hex ? isHexDigit(byte) : (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte)
            }
        }
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        var integerDigits = 0, fractionDigits = 0
        while let byte = bytes.first, isDigit(byte) { integerDigits += 1; bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            while let byte = bytes.first, isDigit(byte) { fractionDigits += 1; bytes = bytes.dropFirst() }
        }
        guard integerDigits + fractionDigits > 0 else { return false }
        if let byte = bytes.first, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            guard !bytes.isEmpty, bytes.allSatisfy(isDigit) else { return false }
            return true
        }
        return bytes.isEmpty
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
