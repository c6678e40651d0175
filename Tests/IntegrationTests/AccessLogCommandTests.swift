import FirebreakLogs
import Foundation
import Testing

/// `firebreak decode` and `firebreak replay` on files of S3 server access logs and CloudFront standard logs, in each
/// shape they are delivered in: an S3 log object (space-delimited lines), a gzip'd CloudFront log file with its header
/// lines, and a Firehose request body holding CloudWatch Logs JSON records of both.
@Suite(.serialized) struct AccessLogCommandTests {
    static let owner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
    static let listing = "ff3fd755-1feb-4dd7-98d0-2a971e16cdf9", s3KnownBad = "8ab0a109-efa5-4c55-b40b-949af351187b"
    static let privateRead = "1f44ffcf-743a-402d-b6f8-6437ba852d11", cloudFrontKnownBad = "7e24f76a-3874-4494-bca9-107a7cba0732"
    static let scanner = "f9c023e8-3d27-4a45-a6f7-f48552961d31"

    static func temporary(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fb-\(UUID().uuidString)-\(name)")
        try Data(bytes).write(to: url)
        return url
    }

    static func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func ruleIDs(_ text: String) -> Set<String> {
        Set(DetectionIntakeTests.findings(in: text).compactMap { $0["ruleId"] as? String })
    }

    /// An S3 log object as S3 writes it: an anonymous listing served, a GetObject from a listed address, and a line
    /// cut short (reported, the others kept).
    @Test func s3LogObject() throws {
        let listing = #"\#(Self.owner) amzn-s3-demo-website [30/Nov/2026:10:05:00 +0000] 198.51.100.80 - 3E57427F3EXAMPLE REST.GET.BUCKET - "GET /?list-type=2 HTTP/1.1" 200 - 20480 - 45 12 "-" "aws-cli/2.15.0" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= - ECDHE-RSA-AES128-GCM-SHA256 - amzn-s3-demo-website.s3.us-east-1.amazonaws.com TLSv1.2 - -"#
        let known = #"\#(Self.owner) amzn-s3-demo-bucket1 [30/Nov/2026:10:05:01 +0000] 203.0.113.66 arn:aws:iam::123456789012:user/alice 891CE47D2EXAMPLE REST.GET.OBJECT reports/q3.pdf "GET /reports/q3.pdf HTTP/1.1" 200 - 88123 88123 70 10 "-" "curl/8.5.0" -"#
        let broken = #"\#(Self.owner) amzn-s3-demo-bucket1 [30/Nov/2026:10:05:02 +0000] 192.0.2.3 - A1206F460EXAMPLE REST.GET.OBJECT x "GET /x HTTP/1.1"#
        let file = try Self.temporary("2026-11-30-10-05-00-EXAMPLE1234", Array([listing, broken, known].joined(separator: "\n").utf8) + [0x0A])
        defer { try? FileManager.default.removeItem(at: file) }

        let decode = try CommandResult.run(["decode", file.path])
        #expect(decode.status == 0, "\(decode.stderr)")
        let events = Self.lines(decode.stdout)
        #expect(events.map { $0["type"] as? String } == ["s3", "s3"])
        #expect((events.first?["event"] as? [String: Any])?["operation"] as? String == "REST.GET.BUCKET")
        #expect((events.first?["event"] as? [String: Any])?["http_status"] as? Int == 200)
        #expect(decode.stderr.contains("record 0, line 2: s3AccessLine: S3 server access log field 9 opens a quote that is not closed"))

        let replay = try CommandResult.run(["replay", file.path])
        #expect(replay.status == 1, "\(replay.stderr)")
        #expect(Self.ruleIDs(replay.stdout) == [Self.listing, Self.s3KnownBad])
        let bad = try #require(DetectionIntakeTests.findings(in: replay.stdout).first { $0["ruleId"] as? String == Self.s3KnownBad })
        #expect((bad["resource"] as? [String: Any])?["type"] as? String == "bucket")
        #expect((bad["resource"] as? [String: Any])?["id"] as? String == "amzn-s3-demo-bucket1")
        #expect(bad["firstSeen"] as? String == "2026-11-30T10:05:01.000Z")
    }

    /// A legacy CloudFront log file as CloudFront writes it to S3 (`<distribution>.YYYY-MM-DD-HH.<id>.gz`): gzip'd, the
    /// `#Version:` and `#Fields:` lines, then a known-bad viewer and a scanner's ten probes.
    @Test func gzippedCloudFrontLogFile() throws {
        let fields = "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end"
        func line(_ second: Int, _ ip: String, _ stem: String, _ status: Int) -> String {
            ["2026-11-30", String(format: "10:05:%02d", second), "LAX1", "392", ip, "GET", "d111111abcdef8.cloudfront.net", stem, "\(status)",
             "-", "Mozilla/5.0%20(compatible;%20scanner)", "-", "-", status >= 400 ? "Error" : "Hit",
             "SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==", "www.example.com", "https", "23", "0.001", "-", "TLSv1.2",
             "ECDHE-RSA-AES128-GCM-SHA256", "Hit", "HTTP/2.0", "-", "-", "11040", "0.001", "Hit", "text/html", "78", "-", "-"]
                .joined(separator: "\t")
        }
        let probes = ["/.env", "/.git/config", "/wp-login.php", "/phpmyadmin/", "/actuator/env", "/server-status", "/cgi-bin/luci",
                      "/.aws/credentials", "/xmlrpc.php", "/boaform/admin/formLogin"]
        var text = "#Version: 1.0\n#Fields: \(fields)\n" + line(0, "203.0.113.66", "/index.html", 200) + "\n"
        for (i, path) in probes.enumerated() { text += line(1 + i * 5, "198.51.100.200", path, 404) + "\n" }
        let file = try Self.temporary("EMLARXS9EXAMPLE.2026-11-30-10.abcd1234.gz", Gzip.compress(Array(text.utf8)))
        defer { try? FileManager.default.removeItem(at: file) }

        let decode = try CommandResult.run(["decode", file.path])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "\(decode.stderr)")
        let events = Self.lines(decode.stdout)
        #expect(events.count == 11 && events.allSatisfy { $0["type"] as? String == "cloudfront" })
        #expect((events.first?["event"] as? [String: Any])?["cs(User-Agent)"] as? String == "Mozilla/5.0 (compatible; scanner)")

        let replay = try CommandResult.run(["replay", file.path])
        #expect(replay.status == 1, "\(replay.stderr)")
        #expect(Self.ruleIDs(replay.stdout) == [Self.cloudFrontKnownBad, Self.scanner])
        let scan = try #require(DetectionIntakeTests.findings(in: replay.stdout).first { $0["ruleId"] as? String == Self.scanner })
        #expect((scan["resource"] as? [String: Any])?["type"] as? String == "distribution")
        #expect((scan["correlation"] as? [String: Any])?["groupBy"] as? [String: String] == ["c-ip": "198.51.100.200"])
    }

    /// A Firehose request body whose records are CloudWatch Logs payloads of the JSON shapes: S3 server access log
    /// records (vended to CloudWatch Logs) and CloudFront standard logging (v2) records.
    @Test func firehoseBodyOfJSONRecords() throws {
        let s3 = #"{"schema_version_id":"V_1_0","bucket_arn":"arn:aws:s3:::amzn-s3-demo-private-bucket","bucket_name":"amzn-s3-demo-private-bucket","request_time":"2026-11-30T10:05:00.000Z","bucket_owner_id":"\#(Self.owner)","remote_ip":"192.0.2.44","requester":null,"request_id":"3E57427F3EXAMPLE","operation":"REST.GET.OBJECT","key_name":"exports/customers.csv","request_uri":"GET /exports/customers.csv HTTP/1.1","http_status":200}"#
        let cloudFront = #"{"timestamp":"1764497100","DistributionId":"EMLARXS9EXAMPLE","date":"2026-11-30","time":"10:05:00","x-edge-location":"FRA56-P3","c-ip":"2001:db8:bad::1","cs-method":"GET","cs(Host)":"d111111abcdef8.cloudfront.net","cs-uri-stem":"/","sc-status":200,"x-edge-request-id":"SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ=="}"#
        let records = [Gzip.compress(FirehoseFixture.cloudWatchPayload(logGroup: "/aws/vendedlogs/s3", logStream: "s3", messages: [s3])),
                       Gzip.compress(FirehoseFixture.cloudWatchPayload(logGroup: "/aws/vendedlogs/cloudfront", logStream: "cf", messages: [cloudFront]))]
        let file = try Self.temporary("delivery.json", FirehoseFixture.body(requestID: "access-logs-1", records: records))
        defer { try? FileManager.default.removeItem(at: file) }

        let decode = try CommandResult.run(["decode", file.path])
        #expect(decode.status == 0, "\(decode.stderr)")
        #expect(Self.lines(decode.stdout).map { $0["type"] as? String } == ["s3", "cloudfront"])
        let replay = try CommandResult.run(["replay", file.path])
        #expect(replay.status == 1, "\(replay.stderr)")
        #expect(Self.ruleIDs(replay.stdout) == [Self.privateRead, Self.cloudFrontKnownBad])
        let found = DetectionIntakeTests.findings(in: replay.stdout)
        #expect(found.contains { ($0["resource"] as? [String: Any])?["id"] as? String == "EMLARXS9EXAMPLE" })
        #expect(found.contains { ($0["resource"] as? [String: Any])?["id"] as? String == "amzn-s3-demo-private-bucket" })
    }
}
