import Foundation
import Testing
@testable import FirebreakLogs

/// ALB access log entries: the example entries of the ELB user guide ("Access log entries" for Application Load
/// Balancers), joined onto one line and extended with the fields added since (`target:port_list` through
/// `conn_trace_id`), quoting edge cases, and sniffing through Firehose records.
@Suite struct ALBLogTests {
    static let targetGroup = "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067"
    static let http = #"http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90"#
    static let https = #"https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90"#
    static let h2 = #"h2 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 10.0.1.252:48160 10.0.0.66:9000 0.000 0.002 0.000 200 200 5 257 "GET https://10.0.2.105:773/ HTTP/2.0" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337327-72bd00b0343d75b906739c42" "-" "-" 1 2018-07-02T22:22:48.364000Z "redirect" "https://example.com:80/" "-" "10.0.0.66:9000" "200" "-" "-" TID_1234abcd5678ef90"#
    /// A redirect answered by the load balancer itself: no target, so target fields are `-`.
    static let redirect = #"https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 - 0.000 0.000 0.000 301 - 12 180 "GET https://www.example.com:443/old HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 - "Root=1-58337262-36d228ad5d99923122bbe354" "www.example.com" "session-reused" 2 2018-07-02T22:22:48.364000Z "redirect" "https://www.example.com:443/new" "-" "-" "-" "-" "-" TID_1234abcd5678ef90"#
    /// A malformed request the load balancer refused: `-1` times and `-` everywhere it had nothing to log.
    static let error = #"http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 - -1 -1 -1 400 - 0 0 "- - - " "-" - - - "-" "-" "-" - 2018-07-02T22:22:48.364000Z "-" "-" "-" "-" "-" "Ambiguous" "UndefinedContentLengthSemantics" TID_1234abcd5678ef90"#
    /// The docs' WebSockets entry as it was before the fields after `error_reason` were added.
    static let wsOld = #"ws 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 10.0.0.140:40914 10.0.1.192:8010 0.001 0.003 0.000 101 101 218 587 "GET http://10.0.0.30:80/ HTTP/1.1" "-" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337364-23a8c76965a2ef7629b185e3" "-" "-" 1 2018-07-02T22:22:48.364000Z "forward" "-" "-""#

    func parse(_ line: String) throws -> ALBLogRecord { try ALBLogParser.parse(line) }

    @Test func httpEntry() throws {
        let r = try parse(Self.http)
        #expect(r.value(of: .type) == "http")
        #expect(r.value(of: .time) == "2018-07-02T22:23:00.186641Z")
        #expect(r.elb == "app/my-loadbalancer/50dc6c495c0c9188")
        #expect(r.value(of: .clientIP) == "192.168.131.39" && r.value(of: .clientPort) == "2817")
        #expect(r.clientIP == IPAddress("192.168.131.39"))
        #expect(r.value(of: .targetIP) == "10.0.0.1" && r.value(of: .targetPort) == "80")
        #expect(r.value(of: .elbStatusCode) == "200" && r.value(of: .targetStatusCode) == "200")
        #expect(r.value(of: .receivedBytes) == "34" && r.value(of: .sentBytes) == "366")
        #expect(r.value(of: .request) == "GET http://www.example.com:80/ HTTP/1.1")
        #expect(r.value(of: .requestVerb) == "GET")
        #expect(r.value(of: .requestURL) == "http://www.example.com:80/")
        #expect(r.value(of: .requestProto) == "HTTP/1.1")
        #expect(r.value(of: .userAgent) == "curl/7.46.0")
        #expect(r.value(of: .sslCipher) == nil && r.value(of: .sslProtocol) == nil)
        #expect(r.value(of: .targetGroupARN) == Self.targetGroup)
        #expect(r.value(of: .traceID) == "Root=1-58337262-36d228ad5d99923122bbe354")
        #expect(r.value(of: .domainName) == nil && r.value(of: .chosenCertARN) == nil)
        #expect(r.value(of: .matchedRulePriority) == "0")
        #expect(r.value(of: .requestCreationTime) == "2018-07-02T22:22:48.364000Z")
        #expect(r.value(of: .actionsExecuted) == "forward")
        #expect(r.value(of: .redirectURL) == nil && r.value(of: .errorReason) == nil)
        #expect(r.value(of: .targetPortList) == "10.0.0.1:80" && r.value(of: .targetStatusCodeList) == "200")
        #expect(r.value(of: .classification) == nil && r.value(of: .classificationReason) == nil)
        #expect(r.value(of: .connTraceID) == "TID_1234abcd5678ef90")
        #expect(r.field("target:port_list") == "10.0.0.1:80" && r.field("no_such_field") == nil)
        let json = r.jsonObject().serialized()
        #expect(json.hasPrefix(#"{"type":"http","time":"2018-07-02T22:23:00.186641Z","elb":"app/my-loadbalancer/50dc6c495c0c9188","client_ip":"192.168.131.39","client_port":2817,"target_ip":"10.0.0.1","target_port":80,"request_processing_time":0.0,"#))
        #expect(json.contains(#""elb_status_code":200,"target_status_code":200,"received_bytes":34,"sent_bytes":366,"request":"GET http://www.example.com:80/ HTTP/1.1","request_verb":"GET","#))
        #expect(json.hasSuffix(#""conn_trace_id":"TID_1234abcd5678ef90"}"#))
        #expect(!json.contains("ssl_cipher"))
    }

    @Test func httpsAndH2Entries() throws {
        let s = try parse(Self.https)
        #expect(s.value(of: .sslCipher) == "ECDHE-RSA-AES128-GCM-SHA256" && s.value(of: .sslProtocol) == "TLSv1.2")
        #expect(s.value(of: .domainName) == "www.example.com")
        #expect(s.value(of: .chosenCertARN) == "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012")
        #expect(s.value(of: .actionsExecuted) == "authenticate,forward")
        #expect(s.value(of: .requestProcessingTime) == "0.086")
        #expect(s.jsonObject().serialized().contains(#""request_processing_time":0.086,"target_processing_time":0.048,"response_processing_time":0.037"#))
        let h = try parse(Self.h2)
        #expect(h.value(of: .type) == "h2")
        #expect(h.value(of: .requestProto) == "HTTP/2.0" && h.value(of: .requestURL) == "https://10.0.2.105:773/")
        #expect(h.value(of: .redirectURL) == "https://example.com:80/")
        #expect(h.value(of: .clientIP) == "10.0.1.252" && h.value(of: .targetPort) == "9000")
    }

    @Test func redirectAndErrorEntriesWithAbsentFields() throws {
        let r = try parse(Self.redirect)
        #expect(r.value(of: .targetIP) == nil && r.value(of: .targetPort) == nil && r.value(of: .targetStatusCode) == nil)
        #expect(r.value(of: .targetGroupARN) == nil)
        #expect(r.value(of: .chosenCertARN) == "session-reused")
        #expect(r.value(of: .elbStatusCode) == "301" && r.value(of: .redirectURL) == "https://www.example.com:443/new")
        let e = try parse(Self.error)
        #expect(e.value(of: .elbStatusCode) == "400")
        #expect(e.value(of: .requestProcessingTime) == "-1")
        #expect(e.value(of: .request) == "- - - ")
        #expect(e.value(of: .requestVerb) == nil && e.value(of: .requestURL) == nil && e.value(of: .requestProto) == nil)
        #expect(e.value(of: .userAgent) == nil && e.value(of: .matchedRulePriority) == nil && e.value(of: .actionsExecuted) == nil)
        #expect(e.value(of: .classification) == "Ambiguous" && e.value(of: .classificationReason) == "UndefinedContentLengthSemantics")
        #expect(e.jsonObject().serialized().contains(#""request_processing_time":-1.0,"#))
        // An older entry without the later fields: they are absent.
        let w = try parse(Self.wsOld)
        #expect(w.value(of: .type) == "ws" && w.value(of: .elbStatusCode) == "101")
        #expect(w.value(of: .userAgent) == nil && w.value(of: .actionsExecuted) == "forward")
        #expect(w.value(of: .targetPortList) == nil && w.value(of: .connTraceID) == nil)
    }

    @Test func quotingEdgeCases() throws {
        let base = Self.http
        // Escaped quotes and backslashes inside a quoted field; spaces inside quotes.
        let ua = base.replacingOccurrences(of: #""curl/7.46.0""#, with: #""Mozilla/5.0 \"quoted\" C:\\path\\x \"""#)
        #expect(try parse(ua).value(of: .userAgent) == #"Mozilla/5.0 "quoted" C:\path\x ""#)
        // A quote inside a value that is not followed by a space does not end it.
        let inner = base.replacingOccurrences(of: #""curl/7.46.0""#, with: #""a"b c""#)
        #expect(try parse(inner).value(of: .userAgent) == #"a"b c"#)
        // An empty quoted value is an empty string, not absent; `\x` sequences other than `\"`/`\\` are kept.
        let empty = base.replacingOccurrences(of: #""curl/7.46.0""#, with: #""""#)
        #expect(try parse(empty).value(of: .userAgent) == "")
        let hex = base.replacingOccurrences(of: #"GET http://www.example.com:80/ HTTP/1.1"#, with: #"GET http://www.example.com:80/a\x00b HTTP/1.1"#)
        #expect(try parse(hex).value(of: .requestURL) == #"http://www.example.com:80/a\x00b"#)
        // A URL with a space inside: the verb ends at the first space and the protocol starts after the last.
        let spaced = base.replacingOccurrences(of: #"GET http://www.example.com:80/ HTTP/1.1"#, with: #"GET http://www.example.com:80/a b HTTP/1.1"#)
        #expect(try parse(spaced).value(of: .requestURL) == "http://www.example.com:80/a b")
        // Fields AWS adds later are ignored; IPv6 clients split at the last colon.
        let extra = base + #" "transformed.example.com" "/new" "-""#
        #expect(try parse(extra).value(of: .connTraceID) == "TID_1234abcd5678ef90")
        let v6 = base.replacingOccurrences(of: "192.168.131.39:2817", with: "2001:db8::17:2817")
        #expect(try parse(v6).value(of: .clientIP) == "2001:db8::17" && parse(v6).value(of: .clientPort) == "2817")
        // Errors.
        #expect(throws: ALBLineError.unterminatedQuote(column: 27)) {
            try ALBLogParser.parse(String(base.prefix(upTo: base.range(of: #"10.0.0.1:80" "200""#)!.upperBound).dropLast(2)))
        }
        #expect(throws: ALBLineError.unterminatedQuote(column: 13)) {
            try ALBLogParser.parse(String(base.prefix(upTo: base.range(of: "HTTP/1.1")!.upperBound)))
        }
        #expect(throws: ALBLineError.fieldCount(minimum: 13, found: 6)) {
            try ALBLogParser.parse("http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000")
        }
    }

    @Test func sniffing() {
        func looks(_ s: String) -> Bool {
            var bytes = Array(s.utf8)
            return bytes.withUnsafeMutableBufferPointer { ALBLogParser.looksLikeEntry(UnsafePointer($0.baseAddress!), 0, $0.count) }
        }
        for line in [Self.http, Self.https, Self.h2, Self.redirect, Self.error, Self.wsOld] { #expect(looks(line)) }
        for type in ["grpcs", "wss"] { #expect(looks(Self.http.replacingOccurrences(of: "http 2018", with: "\(type) 2018"))) }
        #expect(!looks(Self.http.replacingOccurrences(of: "http 2018", with: "tcp 2018")))
        #expect(!looks(Self.http.replacingOccurrences(of: "app/my", with: "net/my")))   // NLB, not ALB
        #expect(!looks("http 2018-07-02T22:23:00Z"))
        #expect(!looks("https is a protocol"))
        #expect(!looks("h2"))
        #expect(!looks("version account-id interface-id srcaddr dstaddr"))
    }

    // MARK: Through Firehose

    static func firehoseBody(_ records: [[UInt8]]) -> [UInt8] {
        let items = records.map { #"{"data":""# + Data($0).base64EncodedString() + #""}"# }.joined(separator: ",")
        return Array((#"{"requestId":"ed4acda5-034f-9f42-bba1-f29aea6d7d8f","timestamp":1578090901599,"records":["# + items + "]}").utf8)
    }

    @Test func directPutRecordWithSeveralLines() throws {
        let flow = "2 123456789012 eni-0a1b2c3d4e5f60718 198.51.100.23 192.0.2.10 51514 22 6 3 180 1700000100 1700000160 REJECT OK"
        let text = [Self.http, Self.https, flow, "hello world", Self.error, Self.h2 + "\r", ""].joined(separator: "\n")
        let delivery = try FirehoseDelivery.parse(Self.firehoseBody([Array(text.utf8)]))
        let result = try RecordDecoder().decodeRecords(of: delivery)
        #expect(result.events.map(\.event.kind) == [.elb, .elb, .vpcFlow, .text, .elb, .elb])
        #expect(result.issues.isEmpty)
        guard case .alb(let last) = result.events[5].event else { Issue.record("expected an ALB entry"); return }
        #expect(last.value(of: .type) == "h2" && last.value(of: .connTraceID) == "TID_1234abcd5678ef90")
        #expect(result.events[0].jsonLine().hasPrefix(#"{"type":"elb","recordIndex":0,"event":{"type":"http","#))
    }

    @Test func cloudWatchLogsPayload() throws {
        let messages = [Self.http, Self.redirect, String(Self.http.prefix(upTo: Self.http.range(of: "HTTP/1.1")!.upperBound))]
        let payload = CloudWatchLogsTests.payload(logGroup: "/aws/vendedlogs/alb", messages: messages)
        let delivery = try FirehoseDelivery.parse(Self.firehoseBody([payload]))
        let result = try RecordDecoder().decodeRecords(of: delivery)
        #expect(result.events.map(\.event.kind) == [.elb, .elb])
        #expect(result.events[1].context.logGroup == "/aws/vendedlogs/alb")
        #expect(result.events[1].context.timestampMillis == 1_700_000_000_001)
        #expect(result.issues.map(\.kind) == [.albLine])
        #expect(result.issues.first?.line == 2)
        #expect(result.issues.first?.message.contains("quote") == true)
    }

    @Test func longLinesAreReportedLikeOthers() throws {
        let config = DecoderConfiguration(maxLineBytes: 200)
        let result = try RecordDecoder(configuration: config).decode(record: Array((Self.http + "\n" + Self.wsOld.prefix(150)).utf8), index: 3)
        // The first line is too long; the second, cut short, still starts like an entry and is reported as a bad one.
        #expect(result.issues.map(\.kind) == [.lineTooLong, .albLine])
        #expect(result.issues.map(\.line) == [1, 2] && result.issues.allSatisfy { $0.recordIndex == 3 })
        #expect(result.events.isEmpty)
    }
}
