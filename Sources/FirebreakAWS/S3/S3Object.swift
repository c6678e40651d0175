import FirebreakTime
import Foundation

/// One object of a ListObjectsV2 page.
public struct S3Object: Sendable, Equatable {
    public var key: String
    public var size: Int64
    /// As S3 sends it, quotes included (`"9b2cf535f27731c974343645a3985328"`): what `If-Match` takes.
    public var eTag: String
    public var lastModified: Date?
    /// `STANDARD`, `GLACIER`, `DEEP_ARCHIVE`, ...; S3 omits it for some buckets (then `STANDARD`).
    public var storageClass: String

    public init(key: String, size: Int64, eTag: String = "", lastModified: Date? = nil, storageClass: String = "STANDARD") {
        self.key = key
        self.size = size
        self.eTag = eTag
        self.lastModified = lastModified
        self.storageClass = storageClass
    }

    /// Archived: GetObject answers `InvalidObjectState` until the object is restored (`GLACIER`, `DEEP_ARCHIVE`;
    /// `GLACIER_IR` is read like any other).
    public var isArchived: Bool { storageClass == "GLACIER" || storageClass == "DEEP_ARCHIVE" }

    /// `2009-10-12T17:50:30.000Z` (fraction optional) as a date; nil when it is not that form.
    static func parseTimestamp(_ text: String) -> Date? {
        let bytes = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<from + count] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes.last == UInt8(ascii: "Z"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
              let minute = number(14, 2), let second = number(17, 2) else { return nil }
        var millis = 0
        if bytes.count > 20 {
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 21 else { return nil }
            let digits = bytes.count - 21
            guard let fraction = number(20, digits) else { return nil }
            millis = digits >= 3 ? fraction / Int(pow(10.0, Double(digits - 3))) : fraction * Int(pow(10.0, Double(3 - digits)))
        }
        guard let time = UTCTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                                 millisecond: millis) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(time.millisecondsSinceEpoch) / 1000)
    }
}
