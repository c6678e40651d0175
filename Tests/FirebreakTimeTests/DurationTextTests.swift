import Testing
import FirebreakTime

/// One duration parser for the configuration (a bare number is seconds) and for rules (a unit is required).
@Suite struct DurationTextTests {
    @Test func unitsAndBareSeconds() {
        #expect(DurationText.parse("90s") == 90)
        #expect(DurationText.parse("10m") == 600)
        #expect(DurationText.parse("1h") == 3600)
        #expect(DurationText.parse("2d") == 172_800)
        #expect(DurationText.parse("45") == 45)
        #expect(DurationText.parse(" 5m ") == 300)
        #expect(DurationText.parse("0") == 0)
    }

    @Test func notDurations() {
        for bad in ["", " ", "m", "-5", "-5m", "+5m", "5x", "1.5h", "5 m", "5M", "h5", "99999999999999999999d"] {
            #expect(DurationText.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func rulesNeedAUnit() {
        #expect(DurationText.parse("30s", unitRequired: true) == 30)
        #expect(DurationText.parse("30", unitRequired: true) == nil)
        #expect(DurationText.parse(" 30s", unitRequired: true) == nil)
    }

    @Test func formatIsTheShortestExactForm() {
        #expect([86_400, 7200, 600, 45, 0, 90].map(DurationText.format) == ["1d", "2h", "10m", "45s", "0s", "90s"])
        for seconds in [1, 59, 61, 3601, 86_401, 172_800] { #expect(DurationText.parse(DurationText.format(seconds)) == seconds) }
    }
}
