import FirebreakTime

/// Parses CloudTrail's `eventTime` (`2026-01-01T10:05:00Z`, optionally with fractional seconds) to
/// milliseconds since the epoch, without Foundation's formatters.
enum ISO8601Millis {
    static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// `parse(_:)` of the text's UTF-8 bytes.
    static func parse(utf8 u: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard u.count >= 20, u[4] == 45, u[7] == 45, u[10] == 84 || u[10] == 116, u[13] == 58, u[16] == 58 else { return nil }
        func num(_ from: Int, _ count: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<(from + count) {
                let d = Int64(u[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard let year = num(0, 4), let month = num(5, 2), let day = num(8, 2), let hour = num(11, 2),
              let minute = num(14, 2), let second = num(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var millis: Int64 = 0
        if i < u.count && u[i] == 46 {   // fraction
            i += 1
            var digits = 0
            while i < u.count, u[i] >= 48, u[i] <= 57 {
                if digits < 3 { millis = millis * 10 + Int64(u[i] - 48) }
                digits += 1
                i += 1
            }
            while digits < 3 { millis *= 10; digits += 1 }
        }
        var offsetMinutes: Int64 = 0
        if i < u.count && (u[i] == 90 || u[i] == 122) {
            i += 1
        } else if i + 5 < u.count + 0 && (u[i] == 43 || u[i] == 45), let oh = num(i + 1, 2), let om = num(i + 4, 2) {
            offsetMinutes = (oh * 60 + om) * (u[i] == 43 ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == u.count else { return nil }
        guard let time = UTCTime(year: Int(year), month: Int(month), day: Int(day), hour: Int(hour), minute: Int(minute),
                                 second: Int(second), millisecond: Int(millis)) else { return nil }
        return time.millisecondsSinceEpoch - offsetMinutes * 60_000
    }
}

extension ISO8601Millis {
    /// `2026-01-01T10:05:00.000Z` for milliseconds since the epoch (clamped to years 0000–9999).
    static func format(_ millis: Int64) -> String {
        UTCTime(clampingMillis: millis).iso8601
    }
}
