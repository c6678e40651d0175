/// `firebreak replay --since/--until`: whole UTC days, both ends included, matched against the date path of an S3
/// key (`.../YYYY/MM/DD/...`, or Hive-style `year=YYYY/month=MM/day=DD`), the layout CloudTrail, VPC flow logs and
/// Firehose's backup write.
public struct ReplayDateRange: Sendable, Equatable {
    /// First day kept, as `yyyymmdd`; nil: no lower bound.
    public var since: Int?
    /// Last day kept, as `yyyymmdd`; nil: no upper bound.
    public var until: Int?

    public init(since: Int? = nil, until: Int? = nil) {
        self.since = since
        self.until = until
    }

    /// Parses `YYYY-MM-DD` dates (either may be nil); a usage error names the option and what it expects.
    public static func parse(since: String?, until: String?) throws(CommandError) -> ReplayDateRange {
        let range = ReplayDateRange(since: try since.map { text throws(CommandError) in try parseDay(text, option: "--since") },
                                    until: try until.map { text throws(CommandError) in try parseDay(text, option: "--until") })
        if let first = range.since, let last = range.until, first > last {
            throw CommandError(.usage, "--since \(since ?? "") is after --until \(until ?? "")")
        }
        return range
    }

    /// True when neither end is set: every key is kept, dated or not.
    public var isUnbounded: Bool { since == nil && until == nil }

    /// Whether the day `yyyymmdd` is in the range.
    public func contains(day: Int) -> Bool {
        (since.map { day >= $0 } ?? true) && (until.map { day <= $0 } ?? true)
    }

    /// Whether some day of `year` (and `month`, when given) is in the range.
    func overlaps(year: Int, month: Int? = nil) -> Bool {
        let first = year * 10_000 + (month ?? 1) * 100 + 1
        let last = year * 10_000 + (month ?? 12) * 100 + 31
        return (since.map { last >= $0 } ?? true) && (until.map { first <= $0 } ?? true)
    }

    /// The day of the first `YYYY/MM/DD` run of segments in `key` (as `yyyymmdd`); nil when it has none.
    public static func day(inKey key: String) -> Int? {
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count >= 3 else { return nil }
        for index in 0...(segments.count - 3) {
            if let year = yearSegment(segments[index]), let month = monthSegment(segments[index + 1]),
               let day = daySegment(segments[index + 2]) {
                return year * 10_000 + month * 100 + day
            }
        }
        return nil
    }

    /// `2024` or `year=2024` (1970-2999).
    static func yearSegment(_ segment: Substring) -> Int? {
        number(segment, label: "year=", digits: 4).flatMap { (1970...2999).contains($0) ? $0 : nil }
    }

    /// `01`-`12` or `month=01`.
    static func monthSegment(_ segment: Substring) -> Int? {
        number(segment, label: "month=", digits: 2).flatMap { (1...12).contains($0) ? $0 : nil }
    }

    /// `01`-`31` or `day=01`.
    static func daySegment(_ segment: Substring) -> Int? {
        number(segment, label: "day=", digits: 2).flatMap { (1...31).contains($0) ? $0 : nil }
    }

    private static func number(_ segment: Substring, label: String, digits: Int) -> Int? {
        let text = segment.hasPrefix(label) ? segment.dropFirst(label.count) : segment
        guard text.utf8.count == digits, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    private static func parseDay(_ text: String, option: String) throws(CommandError) -> Int {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let year = yearSegment(parts[0]), let month = monthSegment(parts[1]),
              let day = daySegment(parts[2]), day <= daysIn(year: year, month: month) else {
            throw CommandError(.usage, "\(option) takes a date as YYYY-MM-DD (UTC), like 2024-05-31 (got '\(text)')")
        }
        return year * 10_000 + month * 100 + day
    }

    private static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `yyyymmdd` as `YYYY-MM-DD`.
    static func text(_ day: Int) -> String {
        "\(day / 10_000)-\(day / 100 % 100 < 10 ? "0" : "")\(day / 100 % 100)-\(day % 100 < 10 ? "0" : "")\(day % 100)"
    }
}
