import FirebreakTime
import Testing

@Suite struct UTCTimeTests {
    @Test func knownInstants() throws {
        let epoch = try #require(UTCTime(millisecondsSinceEpoch: 0))
        #expect(epoch == UTCTime(year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0))
        // 2015-08-30T12:36:00Z, the SigV4 test suite's date.
        let suite = try #require(UTCTime(millisecondsSinceEpoch: 1_440_938_160_000))
        #expect((suite.year, suite.month, suite.day, suite.hour, suite.minute, suite.second) == (2015, 8, 30, 12, 36, 0))
        let leapDay = try #require(UTCTime(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59, millisecond: 999))
        #expect(leapDay.millisecondsSinceEpoch == 1_709_251_199_999)
        let beforeEpoch = try #require(UTCTime(millisecondsSinceEpoch: -1))
        #expect(beforeEpoch == UTCTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, millisecond: 999))
    }

    @Test(arguments: [Int64(0), -1, 1, 86_399_999, 951_782_400_000, -2_208_988_800_000, UTCTime.minMillis, UTCTime.maxMillis])
    func roundTrips(_ millis: Int64) throws {
        #expect(try #require(UTCTime(millisecondsSinceEpoch: millis)).millisecondsSinceEpoch == millis)
    }

    @Test func outOfRangeIsNilOrClampedNeverATrap() {
        for millis in [Int64.min, Int64.max, UTCTime.minMillis - 1, UTCTime.maxMillis + 1, 1 << 60] {
            #expect(UTCTime(millisecondsSinceEpoch: millis) == nil)
            let clamped = UTCTime(clampingMillis: millis).millisecondsSinceEpoch
            #expect(clamped == (millis < 0 ? UTCTime.minMillis : UTCTime.maxMillis))
        }
    }

    @Test func fieldsOutOfRangeAreRefused() {
        #expect(UTCTime(year: 2023, month: 2, day: 29, hour: 0, minute: 0, second: 0) == nil)
        #expect(UTCTime(year: 2026, month: 4, day: 31, hour: 0, minute: 0, second: 0) == nil)
        #expect(UTCTime(year: 2026, month: 13, day: 1, hour: 0, minute: 0, second: 0) == nil)
        #expect(UTCTime(year: 10_000, month: 1, day: 1, hour: 0, minute: 0, second: 0) == nil)
        #expect(UTCTime(year: 2026, month: 1, day: 1, hour: 24, minute: 0, second: 0) == nil)
        #expect(UTCTime(year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 1000) == nil)
        #expect(UTCTime(year: 2000, month: 2, day: 29, hour: 0, minute: 0, second: 0) != nil)
    }

    @Test(arguments: [Int64(0), -1, 1, 86_399_999, 951_782_400_000, 1_709_251_199_999, UTCTime.minMillis, UTCTime.maxMillis])
    func iso8601IsFixedWidth(_ millis: Int64) throws {
        let time = try #require(UTCTime(millisecondsSinceEpoch: millis))
        let pad = UTCTime.pad
        let expected = "\(pad(time.year, 4))-\(pad(time.month, 2))-\(pad(time.day, 2))T\(pad(time.hour, 2)):"
            + "\(pad(time.minute, 2)):\(pad(time.second, 2)).\(pad(time.millisecond, 3))Z"
        #expect(time.iso8601 == expected)
        #expect(UTCTime(millisecondsSinceEpoch: 1_709_251_199_999)?.iso8601 == "2024-02-29T23:59:59.999Z")
        #expect(UTCTime(millisecondsSinceEpoch: UTCTime.minMillis)?.iso8601 == "0000-01-01T00:00:00.000Z")
        var odd = time
        odd.year = 12_345
        odd.month = 123
        #expect(odd.iso8601.hasPrefix("12345-123-"))
    }

    @Test func padding() {
        #expect(UTCTime.pad(7, 3) == "007")
        #expect(UTCTime.pad(2026, 2) == "2026")
    }
}
