import Testing
@testable import FirebreakServer

/// `--since/--until`: whole UTC days against the date path of S3 keys.
@Suite struct ReplayDateRangeTests {
    @Test func datesParseAndBoundTheRange() throws {
        let range = try ReplayDateRange.parse(since: "2024-02-28", until: "2024-03-01")
        #expect(range == ReplayDateRange(since: 20240228, until: 20240301))
        #expect(range.contains(day: 20240228) && range.contains(day: 20240229) && range.contains(day: 20240301))
        #expect(!range.contains(day: 20240227) && !range.contains(day: 20240302))
        #expect(range.overlaps(year: 2024) && !range.overlaps(year: 2023))
        #expect(range.overlaps(year: 2024, month: 2) && range.overlaps(year: 2024, month: 3) && !range.overlaps(year: 2024, month: 4))
        let open = try ReplayDateRange.parse(since: nil, until: "2024-01-31")
        #expect(open.contains(day: 19990101) && !open.contains(day: 20240201) && !open.isUnbounded)
        #expect(try ReplayDateRange.parse(since: nil, until: nil).isUnbounded)
        #expect(ReplayDateRange.text(20240301) == "2024-03-01")
    }

    @Test func badDatesAreUsageErrors() {
        for (since, until) in [("2024-13-01", nil), ("2024-02-30", nil), ("2023-02-29", nil), ("24-01-01", nil),
                               ("2024/01/01", nil), (nil, "yesterday"), ("2024-05-03", "2024-05-02")] as [(String?, String?)] {
            do {
                _ = try ReplayDateRange.parse(since: since, until: until)
                Issue.record("\(since ?? "-") .. \(until ?? "-") should be refused")
            } catch {
                #expect(error.kind == .usage)
                #expect(error.description.contains("YYYY-MM-DD") || error.description.contains("is after --until"))
            }
        }
        #expect((try? ReplayDateRange.parse(since: "2024-02-29", until: nil)) != nil)
    }

    @Test func theDayOfAKeyIsItsFirstDatePath() {
        #expect(ReplayDateRange.day(inKey: "AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/02/123456789012_CloudTrail_us-east-1_20240502T1005Z_a.json.gz")
            == 20240502)
        #expect(ReplayDateRange.day(inKey: "AWSLogs/123456789012/vpcflowlogs/eu-west-1/2023/12/31/x.log.gz") == 20231231)
        #expect(ReplayDateRange.day(inKey: "failed-deliveries/http-endpoint-failed/2024/05/02/10/firebreak-1-2024-05-02-10-11-12-ab") == 20240502)
        #expect(ReplayDateRange.day(inKey: "flows/aws-account-id=1/aws-region=us-east-1/year=2024/month=05/day=02/hour=01/f.log.gz") == 20240502)
        #expect(ReplayDateRange.day(inKey: "AWSLogs/123456789012/readme.txt") == nil)
        #expect(ReplayDateRange.day(inKey: "2024/13/02/x") == nil)
        #expect(ReplayDateRange.day(inKey: "x/2024/05") == nil)
    }
}
