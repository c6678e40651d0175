/// Durations as configuration files and rules write them: `90s`, `10m`, `1h`, `2d`, or (where a bare number is
/// allowed) a number of seconds. The one parser for the configuration, playbooks, Sigma correlation timespans and
/// `firebreak.dedup.window`.
public enum DurationText {
    /// Seconds, or nil for text that is not a duration: digits only (no sign, no fraction), then one unit `s`, `m`,
    /// `h` or `d` (lower case), or no unit when `unitRequired` is false; surrounding spaces are ignored unless a unit
    /// is required. Nil also when it does not fit in `Int`.
    public static func parse(_ text: String, unitRequired: Bool = false) -> Int? {
        let trimmed = unitRequired ? Substring(text) : Substring(text).trimmingSpaces
        guard let last = trimmed.last else { return nil }
        let unit: Int?
        switch last {
        case "s": unit = 1
        case "m": unit = 60
        case "h": unit = 3600
        case "d": unit = 86400
        default: unit = nil
        }
        if unit == nil && unitRequired { return nil }
        let factor = unit ?? 1
        let digits = unit == nil ? trimmed : trimmed.dropLast()
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let number = Int(digits) else { return nil }
        let (seconds, overflow) = number.multipliedReportingOverflow(by: factor)
        return overflow ? nil : seconds
    }

    /// The shortest exact form: `1d`, `2h`, `10m`, `45s`.
    public static func format(_ seconds: Int) -> String {
        if seconds != 0 && seconds % 86400 == 0 { return "\(seconds / 86400)d" }
        if seconds != 0 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds != 0 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
