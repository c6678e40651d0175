import FirebreakLogs
import Foundation
import Testing
@testable import FirebreakDetection
import FirebreakTestSupport

/// S3 server access logs and CloudFront standard logs as rules see them (`logsource: {product: aws, service: s3}` and
/// `{product: aws, service: cloudfront}`): typed fields, event time, resource, which rules read them, and the s3access
/// and cloudfront packs' rules each firing on records written after the AWS guides' formats.
@Suite struct AccessLogDetectionTests {
    static let owner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
    static let role = "arn:aws:sts::123456789012:assumed-role/DataReader/i-0a1b2c3d4e5f60718"

    static func s3Line(bucket: String = "amzn-s3-demo-bucket1", time: String = "30/Nov/2026:10:05:00 +0000", ip: String = "192.0.2.3",
                       requester: String = role, operation: String = "REST.GET.OBJECT", key: String = "reports/q3.pdf",
                       status: Int = 200, error: String = "-") -> String {
        #"\#(owner) \#(bucket) [\#(time)] \#(ip) \#(requester) 3E57427F3EXAMPLE \#(operation) \#(key) "GET /\#(key) HTTP/1.1" \#(status) \#(error) 2662992 3462992 70 10 "-" "curl/8.5.0" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader \#(bucket).s3.us-east-1.amazonaws.com TLSv1.2 - -"#
    }

    static func cloudFrontLine(date: String = "2026-11-30", time: String = "10:05:00", ip: String = "192.0.2.100",
                               stem: String = "/index.html", status: Int = 200, forwardedFor: String = "-") -> String {
        ["\(date)", time, "LAX1", "392", ip, "GET", "d111111abcdef8.cloudfront.net", stem, "\(status)", "-", "curl/8.5.0", "-", "-",
         status >= 400 ? "Error" : "Hit", "SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==", "www.example.com", "https", "23",
         "0.001", forwardedFor, "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", "Hit", "HTTP/2.0", "-", "-", "11040", "0.001", "Hit",
         "text/html", "78", "-", "-"].joined(separator: "\t")
    }

    static func event(_ text: String, received: Int64 = 5) throws -> DetectionEvent {
        let result = try RecordDecoder().decode(record: Array(text.utf8), index: 0)
        guard let decoded = result.events.first else { throw RuleError(.invalidRule, source: "test", "no event in \(text): \(result.issues)") }
        return DetectionEvent(decoded, receivedMillis: received)
    }

    @Test func s3FieldsTimeAndResource() throws {
        let e = try Self.event(Self.s3Line(ip: "2001:db8::3", status: 403, error: "AccessDenied"))
        #expect(e.kind == .s3Access && e.logSource == .s3Access && e.logSource == LogSource(product: "aws", service: "s3"))
        #expect(e.timeMillis == ISO8601Millis.parse("2026-11-30T10:05:00Z"))
        #expect(e.values(at: FieldPath("remote_ip")) == [.address(IPAddress("2001:db8::3")!)])
        #expect(e.values(at: FieldPath("http_status")) == [.int(403)])
        #expect(e.values(at: FieldPath("bytes_sent")) == [.int(2662992)] && e.values(at: FieldPath("object_size")) == [.int(3462992)])
        #expect(e.values(at: FieldPath("total_time")) == [.int(70)] && e.values(at: FieldPath("turn_around_time")) == [.int(10)])
        #expect(e.values(at: FieldPath("error_code")) == [.string("AccessDenied")])
        #expect(e.values(at: FieldPath("referer")).isEmpty && e.values(at: FieldPath("nope")).isEmpty)
        #expect(e.eventKey.hasPrefix("s3:\(Self.owner) amzn-s3-demo-bucket1 [30/Nov"))
        let resource = FindingResource(event: e)
        #expect(resource.type == "bucket" && resource.id == "amzn-s3-demo-bucket1")
        // Time zones other than +0000, and the JSON shape's ISO 8601 request_time.
        #expect(try Self.event(Self.s3Line(time: "30/Nov/2026:12:05:00 +0200")).timeMillis == ISO8601Millis.parse("2026-11-30T10:05:00Z"))
        let json = try Self.event(#"{"bucket_name":"amzn-s3-demo-bucket1","request_time":"2026-11-30T10:05:00.250Z","operation":"REST.GET.BUCKET","remote_ip":"192.0.2.3","requester":null,"http_status":200}"#)
        #expect(json.kind == .s3Access && json.timeMillis == ISO8601Millis.parse("2026-11-30T10:05:00.250Z"))
        #expect(json.values(at: FieldPath("requester")).isEmpty && json.values(at: FieldPath("http_status")) == [.int(200)])
        // An unreadable time falls back to the receive time.
        #expect(try Self.event(Self.s3Line(time: "31/Nov/2026:10:05:00 +0000")).timeMillis == 5)
        #expect(try Self.event(Self.s3Line(time: "30/Foo/2026:10:05:00 +0000")).timeMillis == 5)
    }

    @Test func cloudFrontFieldsTimeAndResource() throws {
        let e = try Self.event(Self.cloudFrontLine(ip: "198.51.100.9", stem: "/a%20b", status: 404, forwardedFor: "203.0.113.5"))
        #expect(e.kind == .cloudFront && e.logSource == LogSource(product: "aws", service: "cloudfront"))
        #expect(e.timeMillis == ISO8601Millis.parse("2026-11-30T10:05:00Z"))
        #expect(e.values(at: FieldPath("c-ip")) == [.address(IPAddress("198.51.100.9")!)])
        #expect(e.values(at: FieldPath("x-forwarded-for")) == [.address(IPAddress("203.0.113.5")!)])
        #expect(e.values(at: FieldPath("sc-status")) == [.int(404)] && e.values(at: FieldPath("c-port")) == [.int(11040)])
        #expect(e.values(at: FieldPath("time-taken")) == [.double(0.001)])
        #expect(e.values(at: FieldPath("cs-uri-stem")) == [.string("/a b")])
        #expect(e.values(at: FieldPath("cs(Host)")) == [.string("d111111abcdef8.cloudfront.net")])
        #expect(e.eventKey.hasPrefix("cloudfront:2026-11-30\t10:05:00\t"))
        let resource = FindingResource(event: e)
        #expect(resource.type == "distribution" && resource.id == "d111111abcdef8.cloudfront.net")
        // v2 JSON: the distribution id, and the time from timestamp(ms) or timestamp when date and time are not selected.
        let v2 = try Self.event(#"{"timestamp(ms)":"1764497100123","DistributionId":"EMLARXS9EXAMPLE","c-ip":"192.0.2.1","sc-status":403,"x-edge-location":"FRA56-P3"}"#)
        #expect(v2.timeMillis == 1_764_497_100_123)
        #expect(FindingResource(event: v2).type == "distribution" && FindingResource(event: v2).id == "EMLARXS9EXAMPLE")
        let seconds = try Self.event(#"{"timestamp":"1764497100.5","c-ip":"192.0.2.1","sc-status":403,"x-edge-location":"FRA56-P3"}"#)
        #expect(seconds.timeMillis == 1_764_497_100_500)
        #expect(FindingResource(event: seconds).type == "address" && FindingResource(event: seconds).id == "192.0.2.1")
        let fraction = try Self.event(#"{"date":"2026-11-30","time":"10:05:00.25","c-ip":"192.0.2.1","x-edge-location":"FRA56-P3"}"#)
        #expect(fraction.timeMillis == ISO8601Millis.parse("2026-11-30T10:05:00.250Z"))
        #expect(try Self.event(Self.cloudFrontLine(date: "2026-02-30")).timeMillis == 5)
    }

    @Test func rulesReadOnlyTheirOwnLogSource() throws {
        let yaml = """
            title: refused s3
            id: s3-rule
            logsource: {product: aws, service: s3}
            detection: {selection: {http_status: 403}, condition: selection}
            level: high
            ---
            title: refused behind cloudfront
            id: cf-rule
            logsource: {product: aws, service: cloudfront}
            detection: {selection: {sc-status: 403}, condition: selection}
            level: high
            ---
            title: the same field on the load balancer
            id: elb-rule
            logsource: {product: aws, service: elb}
            detection: {selection: {http_status: 403}, condition: selection}
            level: high
            ---
            title: anywhere in aws
            id: any-rule
            logsource: {product: aws}
            detection: {selection: {http_status: 403}, condition: selection}
            level: low
            """
        var loaded = LoadedRules()
        loaded.rules = try SigmaTestSupport.rules(yaml: yaml)
        let set = RuleSet(loaded: loaded, placeholders: StaticPlaceholders())
        let s3 = set.evaluate([try Self.event(Self.s3Line(status: 403, error: "AccessDenied"))])
        #expect(Set(s3.map(\.ruleID)) == ["s3-rule", "any-rule"])
        #expect(s3.allSatisfy { $0.resource.type == "bucket" && $0.logSource == .s3Access })
        #expect(set.evaluate([try Self.event(Self.cloudFrontLine(status: 403))]).map(\.ruleID) == ["cf-rule"])
        // Field names with parentheses and hyphens, and keywords over the line.
        let rule = try SigmaTestSupport.compile("""
            title: t
            logsource: {product: aws, service: cloudfront}
            detection:
                selection:
                    cs(Host)|endswith: '.cloudfront.net'
                    c-ip|cidr: 198.51.100.0/24
                keywords: ['curl/']
                condition: selection and keywords
            """)
        #expect(rule.matches(try Self.event(Self.cloudFrontLine(ip: "198.51.100.9"))))
        #expect(!rule.matches(try Self.event(Self.cloudFrontLine(ip: "192.0.2.9"))))
    }

    static let root = TestPaths.packageRoot
    static let sources = DetectionSources(rulePaths: [root.appendingPathComponent("config/rules").path],
                                          intel: IntelConfiguration(folder: root.appendingPathComponent("config/intel").path))

    @Test func eachS3PackRuleFiresWithTheBucketAsResource() throws {
        let (set, report) = DetectionEngine.load(Self.sources)
        #expect(report.problems.isEmpty, "\(report.problems)")
        func findings(_ lines: [String]) throws -> [Finding] { set.evaluate(try lines.map { try Self.event($0) }) }
        let privateRead = "1f44ffcf-743a-402d-b6f8-6437ba852d11", listing = "ff3fd755-1feb-4dd7-98d0-2a971e16cdf9"
        let denied = "6df04f5f-0bbc-42c0-98fb-f52235b8a2ed", mass = "fee26d90-d8c4-4c0f-a7cf-bd6d5e0b3cfe"
        let knownBad = "8ab0a109-efa5-4c55-b40b-949af351187b"
        let all = [privateRead, listing, denied, mass, knownBad]

        let read = try findings([Self.s3Line(bucket: "amzn-s3-demo-private-bucket", requester: "-")]).filter { $0.ruleID == privateRead }
        #expect(read.count == 1 && read.first?.resource.type == "bucket" && read.first?.resource.id == "amzn-s3-demo-private-bucket")
        #expect(try findings([Self.s3Line(requester: "-", operation: "REST.GET.BUCKET", key: "-")]).map(\.ruleID) == [listing])
        let bad = try findings([Self.s3Line(ip: "203.0.113.66")]).filter { $0.ruleID == knownBad }
        #expect(bad.count == 1 && bad.first?.matchedFields["remote_ip"] == [.address(IPAddress("203.0.113.66")!)])
        #expect(try findings([Self.s3Line()]).allSatisfy { !all.contains($0.ruleID) })

        let probes = (0..<20).map { Self.s3Line(time: String(format: "30/Nov/2026:10:05:%02d +0000", $0 * 2), ip: "198.51.100.23",
                                                requester: "-", key: "guess-\($0).zip", status: 403, error: "AccessDenied") }
        let burst = try findings(probes).filter { $0.ruleID == denied }
        #expect(burst.count == 1 && burst.first?.correlation?.groupKey == ["remote_ip": "198.51.100.23"])
        #expect(burst.first?.resource.type == "bucket")
        #expect(try findings(Array(probes.prefix(19))).allSatisfy { $0.ruleID != denied })

        let downloads = (0..<100).map { Self.s3Line(time: String(format: "30/Nov/2026:10:%02d:%02d +0000", 5 + $0 / 60, $0 % 60),
                                                    key: "customers/part-\($0).parquet") }
        let exfiltration = try findings(downloads).filter { $0.ruleID == mass }
        #expect(exfiltration.count == 1 && exfiltration.first?.correlation?.groupKey == ["requester": Self.role])
        #expect(try findings(Array(downloads.prefix(99))).allSatisfy { $0.ruleID != mass })
    }

    @Test func eachCloudFrontPackRuleFiresWithTheDistributionAsResource() throws {
        let (set, _) = DetectionEngine.load(Self.sources)
        func findings(_ lines: [String]) throws -> [Finding] { set.evaluate(try lines.map { try Self.event($0) }) }
        let scanner = "f9c023e8-3d27-4a45-a6f7-f48552961d31", knownBad = "7e24f76a-3874-4494-bca9-107a7cba0732"
        let bad = try findings([Self.cloudFrontLine(ip: "203.0.113.66")]).filter { $0.ruleID == knownBad }
        #expect(bad.count == 1 && bad.first?.resource.type == "distribution" && bad.first?.resource.id == "d111111abcdef8.cloudfront.net")
        #expect(try findings([Self.cloudFrontLine(forwardedFor: "198.51.100.5")]).map(\.ruleID) == [knownBad])
        #expect(try findings([Self.cloudFrontLine()]).isEmpty)

        let paths = ["/.env", "/.git/config", "/wp-login.php", "/phpmyadmin/", "/actuator/env", "/server-status",
                     "/cgi-bin/luci", "/static/..%252F..%252Fetc%252Fpasswd", "/.aws/credentials", "/xmlrpc.php"]
        let probes = paths.enumerated().map { Self.cloudFrontLine(time: String(format: "10:05:%02d", $0.offset * 5), ip: "198.51.100.200",
                                                                    stem: $0.element, status: 404) }
        let scan = try findings(probes).filter { $0.ruleID == scanner }
        #expect(scan.count == 1 && scan.first?.correlation?.groupKey == ["c-ip": "198.51.100.200"])
        #expect(scan.first?.resource.type == "distribution")
        #expect(try findings(Array(probes.prefix(9))).isEmpty)
        #expect(try findings(probes.map { $0.replacingOccurrences(of: "\t404\t", with: "\t200\t") }).isEmpty)
    }
}
