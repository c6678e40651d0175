import FirebreakLogs
import FirebreakTime

/// The event time of S3 server access and CloudFront log records, in milliseconds since the epoch.
enum AccessLogTime {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// An S3 record's `time`: `06/Feb/2019:00:00:38 +0000` in a line (strftime `%d/%b/%Y:%H:%M:%S %z`), ISO 8601
    /// (`request_time`) in JSON.
    static func millis(of record: S3AccessLogRecord) -> Int64? {
        guard let text = record.value(of: .time) else { return nil }
        return bracketed(text) ?? ISO8601Millis.parse(text)
    }

    /// A CloudFront record's `date` and `time` (UTC, `2019-12-04` and `21:02:31`), else v2's `timestamp(ms)` (epoch
    /// milliseconds) or `timestamp` (epoch seconds, with a fraction).
    static func millis(of record: CloudFrontLogRecord) -> Int64? {
        if let date = record.value(of: .date), let time = record.value(of: .time), let millis = dateAndTime(date, time) {
            return millis
        }
        if let text = record.value(of: .timestampMillis), let millis = Int64(text) { return millis }
        if let text = record.value(of: .timestamp), let seconds = Double(text), seconds.isFinite, abs(seconds) < 1e11 {
            return Int64((seconds * 1000).rounded())
        }
        return nil
    }

    /// `dd/Mon/yyyy:HH:MM:SS ±hhmm`.
    static func bracketed(_ text: String) -> Int64? {
        let u = Array(text.utf8)
        guard u.count == 26, u[2] == 0x2F, u[6] == 0x2F, u[11] == 0x3A, u[14] == 0x3A, u[17] == 0x3A, u[20] == 0x20,
              u[21] == 0x2B || u[21] == 0x2D,
              let day = number(u, 0, 2), let year = number(u, 7, 4), let hour = number(u, 12, 2), let minute = number(u, 15, 2),
              let second = number(u, 18, 2), let offsetHours = number(u, 22, 2), let offsetMinutes = number(u, 24, 2),
              let month = months.firstIndex(of: String(decoding: u[3..<6], as: UTF8.self).lowercased()),
              let time = UTCTime(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        let offset = Int64(offsetHours * 60 + offsetMinutes) * 60_000 * (u[21] == 0x2B ? 1 : -1)
        return time.millisecondsSinceEpoch - offset
    }

    /// `yyyy-mm-dd` and `HH:MM:SS` (optionally `.fff`), UTC.
    static func dateAndTime(_ date: String, _ time: String) -> Int64? {
        let d = Array(date.utf8), t = Array(time.utf8)
        guard d.count == 10, d[4] == 0x2D, d[7] == 0x2D, t.count >= 8, t[2] == 0x3A, t[5] == 0x3A,
              let year = number(d, 0, 4), let month = number(d, 5, 2), let day = number(d, 8, 2),
              let hour = number(t, 0, 2), let minute = number(t, 3, 2), let second = number(t, 6, 2) else { return nil }
        var millisecond = 0
        if t.count > 8 {
            guard t[8] == 0x2E, t.count > 9, let fraction = number(t, 9, min(3, t.count - 9)), number(t, 9, t.count - 9) != nil
            else { return nil }
            millisecond = fraction * [100, 10, 1][min(3, t.count - 9) - 1]
        }
        return UTCTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second, millisecond: millisecond)?
            .millisecondsSinceEpoch
    }

    private static func number(_ u: [UInt8], _ from: Int, _ count: Int) -> Int? {
        guard count > 0, count <= 9, from + count <= u.count else { return nil }
        var value = 0
        for i in from..<(from + count) {
            guard u[i] >= 0x30 && u[i] <= 0x39 else { return nil }
            value = value * 10 + Int(u[i] - 0x30)
        }
        return value
    }
}
