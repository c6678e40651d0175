import Foundation
import Testing
@testable import FirebreakLogs

/// CloudFront standard logs: the example log file of the CloudFront developer guide ("Standard log file fields", a
/// `#Version:` and a `#Fields:` header line, then tab-separated URL-encoded records), files whose header names other
/// columns or none, the header's bounds, URL decoding, standard logging (v2) JSON records, sniffing and bounds.
@Suite struct CloudFrontLogTests {
    static let fields = "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end"
    static let chrome = "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36"
    /// The guide's example records (its third has a trailing tab).
    static let lines = [
        "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\t\(chrome)\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-",
        "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\t\(chrome)\t-\t-\tHit\tk6WGMNkEzR5BEM_SaF47gjtX9zBDO2m349OY2an0QPEaUum1ZOLrow==\td111111abcdef8.cloudfront.net\thttps\t23\t0.000\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.000\tHit\ttext/html\t78\t-\t-",
        "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\t\(chrome)\t-\t-\tHit\tf37nTMVvnKvV2ZSvEsivup_c2kZ7VXzYdjC-GUQZ5qNs-89BlWazbw==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-\t",
        "2019-12-13\t22:36:27\tSEA19-C1\t900\t192.0.2.200\tGET\td111111abcdef8.cloudfront.net\t/favicon.ico\t502\thttp://www.example.com/\t\(chrome)\t-\t-\tError\t1pkpNfBQ39sYMnjjUQjmH2w1wdJnbHYTbag21o_3OfcQgPzdL2RSSQ==\twww.example.com\thttp\t675\t0.102\t-\t-\t-\tError\tHTTP/1.1\t-\t-\t25260\t0.102\tOriginDnsError\ttext/html\t507\t-\t-",
        "2019-12-13\t22:36:26\tSEA19-C1\t900\t192.0.2.200\tGET\td111111abcdef8.cloudfront.net\t/\t502\t-\t\(chrome)\t-\t-\tError\t3AqrZGCnF_g0-5KOvfA7c9XLcf4YGvMFSeFdIetR1N_2y8jSis8Zxg==\twww.example.com\thttp\t735\t0.107\t-\t-\t-\tError\tHTTP/1.1\t-\t-\t3802\t0.107\tOriginDnsError\ttext/html\t507\t-\t-",
        "2019-12-13\t22:37:02\tSEA19-C2\t900\t192.0.2.200\tGET\td111111abcdef8.cloudfront.net\t/\t502\t-\tcurl/7.55.1\t-\t-\tError\tkBkDzGnceVtWHqSCqBUqtA_cEs2T3tFUBbnBNkB9El_uVRhHgcZfcw==\twww.example.com\thttp\t387\t0.103\t-\t-\t-\tError\tHTTP/1.1\t-\t-\t12644\t0.103\tOriginDnsError\ttext/html\t507\t-\t-",
    ]
    static let file = "#Version: 1.0\n#Fields: \(fields)\n" + lines.joined(separator: "\n") + "\n"

    static func decode(_ text: String, configuration: DecoderConfiguration = DecoderConfiguration()) throws -> RecordDecodeResult {
        try RecordDecoder(configuration: configuration).decode(record: Array(text.utf8), index: 0)
    }

    static func records(_ result: RecordDecodeResult) -> [CloudFrontLogRecord] {
        result.events.compactMap { if case .cloudFront(let r) = $0.event { return r } else { return nil } }
    }

    @Test func guideExampleFileEveryField() throws {
        let result = try Self.decode(Self.file)
        #expect(result.issues.isEmpty)
        #expect(result.events.map(\.event.kind) == Array(repeating: .cloudFront, count: 6))
        let r = try #require(Self.records(result).first)
        #expect(r.shape == .line && r.line == Self.lines[0])
        #expect(r.format.fields == Self.fields.split(separator: " ").map(String.init) && r.format == .legacy)
        let expected: [(CloudFrontLogField, String?)] = [
            (.date, "2019-12-04"), (.time, "21:02:31"), (.edgeLocation, "LAX1"), (.scBytes, "392"), (.clientIP, "192.0.2.100"),
            (.method, "GET"), (.host, "d111111abcdef8.cloudfront.net"), (.uriStem, "/index.html"), (.status, "200"),
            (.referer, nil),
            (.userAgent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36"),
            (.uriQuery, nil), (.cookie, nil), (.edgeResultType, "Hit"),
            (.edgeRequestID, "SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ=="), (.hostHeader, "d111111abcdef8.cloudfront.net"),
            (.proto, "https"), (.csBytes, "23"), (.timeTaken, "0.001"), (.forwardedFor, nil), (.sslProtocol, "TLSv1.2"),
            (.sslCipher, "ECDHE-RSA-AES128-GCM-SHA256"), (.edgeResponseResultType, "Hit"), (.protocolVersion, "HTTP/2.0"),
            (.fleStatus, nil), (.fleEncryptedFields, nil), (.clientPort, "11040"), (.timeToFirstByte, "0.001"),
            (.edgeDetailedResultType, "Hit"), (.contentType, "text/html"), (.contentLength, "78"), (.rangeStart, nil), (.rangeEnd, nil),
            (.distributionID, nil), (.timestamp, nil),
        ]
        for (field, value) in expected { #expect(r.value(of: field) == value, "\(field.rawValue)") }
        #expect(r.field("cs(Host)") == "d111111abcdef8.cloudfront.net" && r.field("no-such-field") == nil)
        #expect(r.distribution == "d111111abcdef8.cloudfront.net" && r.clientIP == IPAddress("192.0.2.100"))
        let json = r.jsonObject().serialized()
        #expect(json.hasPrefix(#"{"date":"2019-12-04","time":"21:02:31","x-edge-location":"LAX1","sc-bytes":392,"c-ip":"192.0.2.100","cs-method":"GET","cs(Host)":"d111111abcdef8.cloudfront.net","cs-uri-stem":"/index.html","sc-status":200,"cs(User-Agent)":"Mozilla/5.0 (Windows NT 10.0;"#))
        #expect(json.contains(#""time-taken":0.001,"ssl-protocol":"TLSv1.2","#) && json.hasSuffix(#""sc-content-len":78}"#))
        // The trailing tab of the third record is an extra empty value, ignored.
        let records = Self.records(result)
        #expect(records[2].value(of: .rangeEnd) == nil && records[2].value(of: .contentLength) == "78")
        #expect(records[3].value(of: .status) == "502" && records[3].value(of: .referer) == "http://www.example.com/")
        #expect(records[3].value(of: .hostHeader) == "www.example.com" && records[3].value(of: .edgeDetailedResultType) == "OriginDnsError")
        #expect(records[5].value(of: .userAgent) == "curl/7.55.1" && records[5].value(of: .edgeLocation) == "SEA19-C2")
        #expect(result.events[0].jsonLine().hasPrefix(#"{"type":"cloudfront","recordIndex":0,"event":{"date":"2019-12-04","#))
    }

    @Test func theHeaderDecidesTheColumns() throws {
        // Fewer fields in another order: every line after the header is read by its names, whatever it starts with.
        let header = "#Version: 1.0\n#Fields: c-ip sc-status date time x-edge-location cs-uri-stem\n"
        let reordered = try Self.decode(header + "198.51.100.9\t403\t2019-12-04\t21:02:31\tLAX1\t/admin\n")
        #expect(reordered.events.map(\.event.kind) == [.cloudFront] && reordered.issues.isEmpty)
        #expect(Self.records(reordered).first?.value(of: .clientIP) == "198.51.100.9")
        #expect(Self.records(reordered).first?.value(of: .time) == "21:02:31")
        let ordered = try Self.decode("#Fields: date time c-ip sc-status x-edge-location cs-uri-stem\n2019-12-04\t21:02:31\t198.51.100.9\t403\tLAX1\t/admin%2Fpanel\n")
        let r = try #require(Self.records(ordered).first)
        #expect(r.format.fields == ["date", "time", "c-ip", "sc-status", "x-edge-location", "cs-uri-stem"])
        #expect(r.value(of: .clientIP) == "198.51.100.9" && r.value(of: .status) == "403" && r.value(of: .uriStem) == "/admin/panel")
        #expect(r.value(of: .host) == nil && r.distribution == nil)
        // With a header, a line needs every field it names; values past them are ignored.
        let short = try Self.decode("#Fields: date time c-ip sc-status x-edge-location cs-uri-stem\n2019-12-04\t21:02:31\t198.51.100.9\t403\tLAX1\n"
                                    + "2019-12-04\t21:02:32\t198.51.100.9\t404\tLAX1\t/a\textra\tmore\n")
        #expect(short.issues.map(\.kind) == [.cloudFrontLine] && short.issues.first?.line == 2)
        #expect(short.issues.first?.message == "CloudFront log line has 5 tab-separated values, at least 6 expected")
        #expect(Self.records(short).map { $0.value(of: .uriStem) } == ["/a"])
        // A header applies to its own record only: the next Firehose record is read in the default order.
        let delivery = try FirehoseDelivery.parse(ALBLogTests.firehoseBody([
            Array("#Fields: date time c-ip sc-status x-edge-location cs-uri-stem\n2019-12-04\t21:02:31\t198.51.100.9\t403\tLAX1\t/x\n".utf8),
            Array((Self.lines[0] + "\n").utf8),
        ]))
        let both = Self.records(try RecordDecoder().decodeRecords(of: delivery))
        #expect(both.map { $0.value(of: .clientIP) } == ["198.51.100.9", "192.0.2.100"])
        #expect(both[1].format == .legacy)
    }

    @Test func withoutHeaderTheLegacyOrder() throws {
        let result = try Self.decode(Self.lines.joined(separator: "\n"))
        #expect(Self.records(result).count == 6 && result.issues.isEmpty)
        // An older, shorter line (through sc-status at least) is read; a shorter one is an error.
        let older = Self.lines[0].split(separator: "\t", omittingEmptySubsequences: false).prefix(19).joined(separator: "\t")
        let r = try CloudFrontLogParser.parse(older)
        #expect(r.value(of: .timeTaken) == "0.001" && r.value(of: .forwardedFor) == nil && r.value(of: .contentType) == nil)
        let tooShort = Self.lines[0].split(separator: "\t", omittingEmptySubsequences: false).prefix(8).joined(separator: "\t")
        #expect(throws: CloudFrontLineError.fieldCount(minimum: 9, found: 8)) { try CloudFrontLogParser.parse(tooShort) }
    }

    @Test func headerBoundsAndOtherW3CLogs() throws {
        // 128 names is the most a header may have; one more is reported and the lines after it use the default order.
        let many = (0..<128).map { "x-edge-f\($0)" }.joined(separator: " ")
        #expect(try CloudFrontLogFormat.fromHeaderLine("#Fields: " + many)?.fields.count == 128)
        #expect(throws: CloudFrontLineError.tooManyFields(maximum: 128, found: 129)) {
            try CloudFrontLogFormat.fromHeaderLine("#Fields: " + many + " one-more")
        }
        #expect(throws: CloudFrontLineError.emptyFieldsHeader) { try CloudFrontLogFormat.fromHeaderLine("#Fields:   ") }
        let result = try Self.decode("#Fields: date time x-edge-location c-ip sc-status\n#Fields: \(many) one-more\n\(Self.lines[3])\n")
        #expect(result.issues.map(\.kind) == [.cloudFrontLine] && result.issues.first?.line == 2)
        #expect(Self.records(result).first?.format == .legacy && Self.records(result).first?.value(of: .status) == "502")
        // A web server's W3C header (no CloudFront field) is text, as are its lines; `#Version:` lines are skipped.
        let iis = try Self.decode("#Version: 1.0\n#Fields: date time s-ip cs-method cs-uri-stem\n2019-12-04 21:02:31 10.0.0.1 GET /\n")
        #expect(iis.events.map(\.event.kind) == [.text, .text])
        #expect(!CloudFrontLogFormat.legacy.fields.isEmpty && CloudFrontLogFormat.legacy.isCloudFront)
    }

    @Test func urlDecodingOnce() throws {
        #expect(CloudFrontLogParser.decoded(Array("a%20b%2Fc%2fd".utf8)) == "a b/c/d")
        #expect(CloudFrontLogParser.decoded(Array("..%252F..%252Fetc".utf8)) == "..%2F..%2Fetc")
        #expect(CloudFrontLogParser.decoded(Array("100%zz%2".utf8)) == "100%zz%2")
        #expect(CloudFrontLogParser.decoded(Array("%E2%9C%93".utf8)) == "✓")
        #expect(CloudFrontLogParser.decoded(Array("-".utf8)) == nil && CloudFrontLogParser.decoded(Array("".utf8)) == nil)
        #expect(CloudFrontLogParser.decoded(Array("%2D".utf8)) == "-")
    }

    @Test func standardLoggingV2JSON() throws {
        let text = #"{"timestamp":"1575493351","DistributionId":"EMLARXS9EXAMPLE","date":"2019-12-04","time":"21:02:31","x-edge-location":"LAX1","c-ip":"2001:db8::7","cs-method":"GET","cs(Host)":"d111111abcdef8.cloudfront.net","cs-uri-stem":"/.env","sc-status":404,"cs(User-Agent)":"curl%2F8.5.0","x-edge-request-id":"SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==","time-taken":0.004,"cs(Cookie)":null,"extra":{"a":1}}"#
        let value = try JSONParser().parse(text)
        let r = try #require(CloudFrontLogParser.record(json: value))
        #expect(r.shape == .json && r.line == value.serialized())
        #expect(r.distribution == "EMLARXS9EXAMPLE" && r.value(of: .host) == "d111111abcdef8.cloudfront.net")
        #expect(r.value(of: .status) == "404" && r.value(of: .timeTaken) == "0.004" && r.value(of: .cookie) == nil)
        #expect(r.value(of: .userAgent) == "curl/8.5.0" && r.clientIP == IPAddress("2001:db8::7"))
        #expect(r.field("extra") == nil && !r.format.fields.contains("extra"))
        #expect(r.jsonObject().serialized().contains(#""sc-status":404,"#))
        // Selected fields without an x-edge-… one: c-ip with the path or status is enough.
        #expect(CloudFrontLogParser.record(json: try JSONParser().parse(#"{"c-ip":"192.0.2.1","sc-status":200}"#)) != nil)
        for other in [#"{"c-ip":"192.0.2.1"}"#, #"{"query_name":"a.","query_type":"A","query_timestamp":"t"}"#, #"[1]"#, #"{"date":"2019-12-04"}"#] {
            #expect(CloudFrontLogParser.record(json: try JSONParser().parse(other)) == nil, "\(other)")
        }
        // Through Firehose, as v2 delivers: one JSON record per line of a record, and in a CloudWatch Logs payload.
        let direct = try RecordDecoder().decode(record: Array((text + "\n" + text + "\n").utf8), index: 0)
        #expect(direct.events.map(\.event.kind) == [.cloudFront, .cloudFront])
        let payload = CloudWatchLogsTests.payload(logGroup: "/aws/vendedlogs/cloudfront", messages: [text, Self.lines[0]])
        let viaLogs = try RecordDecoder().decodeRecords(of: try FirehoseDelivery.parse(ALBLogTests.firehoseBody([payload])))
        #expect(viaLogs.events.map(\.event.kind) == [.cloudFront, .cloudFront] && viaLogs.issues.isEmpty)
    }

    @Test func sniffing() {
        func looks(_ s: String) -> Bool {
            var bytes = Array(s.utf8)
            return bytes.withUnsafeMutableBufferPointer { CloudFrontLogParser.looksLikeEntry(UnsafePointer($0.baseAddress!), 0, $0.count) }
        }
        for line in Self.lines { #expect(looks(line)) }
        #expect(!looks("2019-12-04 21:02:31 LAX1 392 192.0.2.100 GET"))
        #expect(!looks("2019-12-04\t21:02:31"))
        #expect(!looks("2019-12-4\t21:02:31\tLAX1\t392"))
        #expect(!looks("2 123456789012 eni-0a1b2c3d4e5f60718 198.51.100.23 192.0.2.10 51514 22 6 3 180 1700000100 1700000160 REJECT OK"))
        #expect(!looks(S3AccessLogTests.newest))
    }

    @Test func mixedFileKeepsEveryKindAndReportsBadLines() throws {
        let flow = "2 123456789012 eni-0a1b2c3d4e5f60718 198.51.100.23 192.0.2.10 51514 22 6 3 180 1700000100 1700000160 REJECT OK"
        let bad = "2019-12-04\t21:02:31\tLAX1\t392"
        let text = [Self.lines[0], bad, flow, ALBLogTests.http, S3AccessLogTests.old, "plain text", Self.lines[5]].joined(separator: "\n")
        let result = try Self.decode(text)
        #expect(result.events.map(\.event.kind) == [.cloudFront, .vpcFlow, .elb, .s3Access, .text, .cloudFront])
        #expect(result.issues.map(\.kind) == [.cloudFrontLine] && result.issues.first?.line == 2)
    }

    @Test func gzippedLogFileAndLineBound() throws {
        // A legacy log file as CloudFront writes it to S3 (<distribution>.YYYY-MM-DD-HH.<id>.gz), read as a file.
        let decoded = try RecordDecoder().decodeFile(Gzip.compress(Array(Self.file.utf8)))
        #expect(decoded.events.count == 6 && decoded.events.allSatisfy { $0.event.kind == .cloudFront } && decoded.issues.isEmpty)
        // A line over the bound is skipped and reported, the next ones kept.
        let long = Self.lines[0].replacingOccurrences(of: "/index.html", with: "/" + String(repeating: "a", count: 700))
        let result = try Self.decode([Self.lines[0], long, Self.lines[1]].joined(separator: "\n"), configuration: DecoderConfiguration(maxLineBytes: 600))
        #expect(Self.records(result).count == 2)
        #expect(result.issues.map(\.kind) == [.lineTooLong] && result.issues.first?.line == 2)
    }
}
