/// A UTC calendar time to the millisecond, converted to and from milliseconds since the epoch without
/// Foundation's calendars or formatters (Howard Hinnant's civil-date algorithms). Years 0000 through 9999,
/// so that every conversion is total and no arithmetic can overflow.
public struct UTCTime: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var millisecond: Int

    /// `0000-01-01T00:00:00.000Z` in milliseconds since the epoch.
    public static let minMillis: Int64 = -62_167_219_200_000
    /// `9999-12-31T23:59:59.999Z` in milliseconds since the epoch.
    public static let maxMillis: Int64 = 253_402_300_799_999

    /// The time `millis` milliseconds after the epoch; nil outside years 0000–9999.
    public init?(millisecondsSinceEpoch millis: Int64) {
        guard millis >= Self.minMillis, millis <= Self.maxMillis else { return nil }
        self.init(inRange: millis)
    }

    /// The time `millis` milliseconds after the epoch, clamped to years 0000–9999.
    public init(clampingMillis millis: Int64) {
        self.init(inRange: min(max(millis, Self.minMillis), Self.maxMillis))
    }

    /// A calendar time; nil when a field is out of its range (a day past the month's end included).
    public init?(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int = 0) {
        guard (0...9999).contains(year), (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day),
              (0..<24).contains(hour), (0..<60).contains(minute), (0..<61).contains(second), (0..<1000).contains(millisecond)
        else { return nil }
        (self.year, self.month, self.day, self.hour, self.minute, self.second, self.millisecond)
            = (year, month, day, hour, minute, second, millisecond)
    }

    private init(inRange millis: Int64) {
        let m = Int(millis)
        let seconds = m >= 0 ? m / 1000 : (m - 999) / 1000
        millisecond = m - seconds * 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Civil from days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        hour = secondOfDay / 3_600
        minute = secondOfDay % 3_600 / 60
        second = secondOfDay % 60
    }

    /// Milliseconds since the epoch (a leap second counts as the next minute's first).
    public var millisecondsSinceEpoch: Int64 {
        // Days from civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Int64((days * 86_400 + hour * 3_600 + minute * 60 + second) * 1000 + millisecond)
    }

    /// `2026-01-01T10:05:00.000Z`.
    public var iso8601: String {
        // Written digit by digit into 24 bytes (a finding's time is rendered for its JSON and its alert); fields set
        // out of their ranges by hand are padded as they are.
        guard (0...9999).contains(year), (0...99).contains(month), (0...99).contains(day), (0...99).contains(hour),
              (0...99).contains(minute), (0...99).contains(second), (0...999).contains(millisecond) else {
            let pad = Self.pad
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))Z"
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            func put(_ value: Int, at start: Int, width: Int, then separator: Character?) {
                var rest = value
                for index in stride(from: start + width - 1, through: start, by: -1) {
                    text[index] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                    rest /= 10
                }
                if let separator { text[start + width] = separator.asciiValue ?? 0 }
            }
            put(year, at: 0, width: 4, then: "-")
            put(month, at: 5, width: 2, then: "-")
            put(day, at: 8, width: 2, then: "T")
            put(hour, at: 11, width: 2, then: ":")
            put(minute, at: 14, width: 2, then: ":")
            put(second, at: 17, width: 2, then: ".")
            put(millisecond, at: 20, width: 3, then: "Z")
            return String(decoding: UnsafeBufferPointer(text), as: UTF8.self)
        }
    }

    /// `value` in decimal, left-padded with zeros to `width` digits.
    public static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
