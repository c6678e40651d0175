import Foundation

/// Durations as the configuration files write them: `90s`, `10m`, `1h`, `2d`, or a bare number of seconds.
public enum DurationText {
    /// Seconds, or nil for text that is not a duration (or one too large for `Int`).
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let n = Int(trimmed) { return n }
        guard let unit = trimmed.last, let n = Int(trimmed.dropLast()) else { return nil }
        let factor: Int
        switch unit {
        case "s": factor = 1
        case "m": factor = 60
        case "h": factor = 3600
        case "d": factor = 86400
        default: return nil
        }
        let (seconds, overflow) = n.multipliedReportingOverflow(by: factor)
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
