import Foundation
import Testing
@testable import FirebreakLogs

/// S3 server access log records: the example log of the S3 user guide ("Amazon S3 server access log format"), in its
/// newest form (through `acl_required`, plus a field added since) and its older ones (fewer fields), quoting and
/// bracket edge cases, the CloudWatch Logs JSON shape ("Log format in CloudWatch Logs"), sniffing and bounds.
@Suite struct S3AccessLogTests {
    static let owner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
    static let hostID = "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234="
    /// The guide's first record as it is today: every documented field, then one AWS added later (a region).
    static let newest = #"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2 arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP Yes us-east-1"#
    /// The guide's PUT record before `access_point_arn` existed (24 fields).
    static let put = #"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [06/Feb/2019:00:01:57 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be DD6CC733AEXAMPLE REST.PUT.OBJECT s3-dg.pdf "PUT /awsexamplebucket1/s3-dg.pdf HTTP/1.1" 200 - - 4406583 41754 28 "-" "S3Console/0.4" - 10S62Zv81kBW7BB6SX4XJ48o6kpcl6LPwEoizZQQxJd5qDSCTLX0TgS37kYUBKQW3+bPdrg1234= SigV4 ECDHE-RSA-AES128-SHA AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.1"#
    /// The 2014 guide's record: through `version_id` (18 fields).
    static let old = #"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be mybucket [06/Feb/2014:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be A1206F460EXAMPLE REST.GET.BUCKETPOLICY - "GET /mybucket?policy HTTP/1.1" 404 NoSuchBucketPolicy 297 - 38 - "-" "S3Console/0.4" -"#
    /// An anonymous GetObject refused, as the oldest records were written (through `user_agent`, 17 fields).
    static let oldest = #"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be mybucket [04/Aug/2006:22:34:02 +0000] 2001:db8::3 - 3E57427F33A59F07 REST.GET.OBJECT photos/2006/08/puppy.jpg "GET /mybucket/photos/2006/08/puppy.jpg?x-foo=bar HTTP/1.1" 403 AccessDenied 231 - 4 - "http://www.example.com/webservices" "curl/7.15.1""#

    func parse(_ line: String) throws -> S3AccessLogRecord { try S3AccessLogParser.parse(line) }

    @Test func newestRecordHasEveryField() throws {
        let r = try parse(Self.newest)
        #expect(r.shape == .line && r.line == Self.newest)
        #expect(r.value(of: .bucketOwner) == Self.owner)
        #expect(r.bucket == "amzn-s3-demo-bucket1" && r.value(of: .bucket) == "amzn-s3-demo-bucket1")
        #expect(r.value(of: .time) == "06/Feb/2019:00:00:38 +0000")
        #expect(r.value(of: .remoteIP) == "192.0.2.3" && r.remoteIP == IPAddress("192.0.2.3"))
        #expect(r.value(of: .requester) == Self.owner && !r.isAnonymous)
        #expect(r.value(of: .requestID) == "3E57427F3EXAMPLE")
        #expect(r.value(of: .operation) == "REST.GET.VERSIONING")
        #expect(r.value(of: .key) == nil)
        #expect(r.value(of: .requestURI) == "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1")
        #expect(r.value(of: .httpStatus) == "200" && r.value(of: .errorCode) == nil)
        #expect(r.value(of: .bytesSent) == "113" && r.value(of: .objectSize) == nil)
        #expect(r.value(of: .totalTime) == "7" && r.value(of: .turnAroundTime) == nil)
        #expect(r.value(of: .referer) == nil && r.value(of: .userAgent) == "S3Console/0.4")
        #expect(r.value(of: .versionID) == nil && r.value(of: .hostID) == Self.hostID)
        #expect(r.value(of: .signatureVersion) == "SigV4" && r.value(of: .cipherSuite) == "ECDHE-RSA-AES128-GCM-SHA256")
        #expect(r.value(of: .authenticationType) == "AuthHeader")
        #expect(r.value(of: .hostHeader) == "amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com")
        #expect(r.value(of: .tlsVersion) == "TLSV1.2")
        #expect(r.value(of: .accessPointARN) == "arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP")
        #expect(r.value(of: .aclRequired) == "Yes")
        // The field AWS added after acl_required is ignored; the JSON-only members are absent in a line.
        #expect(r.value(of: .bucketARN) == nil && r.value(of: .schemaVersionID) == nil)
        #expect(!r.jsonObject().serialized().contains("us-east-1"))
        #expect(r.field("http_status") == "200" && r.field("no_such_field") == nil)
        let json = r.jsonObject().serialized()
        #expect(json.hasPrefix(#"{"bucket_owner":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be","bucket":"amzn-s3-demo-bucket1","time":"06/Feb/2019:00:00:38 +0000","remote_ip":"192.0.2.3","#))
        #expect(json.contains(#""http_status":200,"bytes_sent":113,"total_time":7,"user_agent":"S3Console/0.4","#))
        #expect(json.hasSuffix(#""acl_required":"Yes"}"#))
        #expect(!json.contains("error_code") && !json.contains("\"key\""))
    }

    @Test func olderRecordsHaveFewerFields() throws {
        let p = try parse(Self.put)
        #expect(p.value(of: .operation) == "REST.PUT.OBJECT" && p.value(of: .key) == "s3-dg.pdf")
        #expect(p.value(of: .bytesSent) == nil && p.value(of: .objectSize) == "4406583")
        #expect(p.value(of: .totalTime) == "41754" && p.value(of: .turnAroundTime) == "28")
        #expect(p.value(of: .tlsVersion) == "TLSV1.1")
        #expect(p.value(of: .accessPointARN) == nil && p.value(of: .aclRequired) == nil)
        let o = try parse(Self.old)
        #expect(o.value(of: .httpStatus) == "404" && o.value(of: .errorCode) == "NoSuchBucketPolicy")
        #expect(o.value(of: .versionID) == nil && o.value(of: .hostID) == nil && o.value(of: .signatureVersion) == nil)
        let a = try parse(Self.oldest)
        #expect(a.isAnonymous && a.value(of: .requester) == nil)
        #expect(a.remoteIP == IPAddress("2001:db8::3"))
        #expect(a.value(of: .referer) == "http://www.example.com/webservices" && a.value(of: .userAgent) == "curl/7.15.1")
        #expect(a.value(of: .errorCode) == "AccessDenied" && a.value(of: .key) == "photos/2006/08/puppy.jpg")
        // One field fewer than the oldest records is an error.
        let short = String(Self.oldest[..<Self.oldest.range(of: #" "curl/7.15.1""#)!.lowerBound])
        #expect(throws: S3AccessLineError.fieldCount(minimum: 17, found: 16)) { try S3AccessLogParser.parse(short) }
    }

    @Test func quotesAndBrackets() throws {
        let base = Self.oldest
        // Escaped quotes and backslashes inside a quoted field; a quote not followed by a space does not end it.
        let ua = base.replacingOccurrences(of: #""curl/7.15.1""#, with: #""Mozilla/5.0 \"x\" C:\\dir a"b""#)
        #expect(try parse(ua).value(of: .userAgent) == #"Mozilla/5.0 "x" C:\dir a"b"#)
        // A quoted `-` is absent; an empty quoted value is an empty string.
        #expect(try parse(base.replacingOccurrences(of: #""http://www.example.com/webservices""#, with: #""-""#)).value(of: .referer) == nil)
        #expect(try parse(base.replacingOccurrences(of: #""curl/7.15.1""#, with: #""""#)).value(of: .userAgent) == "")
        // Runs of spaces between fields are one separator.
        #expect(try parse(base.replacingOccurrences(of: " 403 ", with: "   403  ")).value(of: .httpStatus) == "403")
        // Unclosed quote and bracket.
        #expect(throws: S3AccessLineError.unterminatedQuote(column: 17)) {
            try S3AccessLogParser.parse(base.replacingOccurrences(of: #""curl/7.15.1""#, with: #""curl/7.15.1"#))
        }
        #expect(throws: S3AccessLineError.unterminatedBracket(column: 3)) {
            try S3AccessLogParser.parse("\(Self.owner) mybucket [04/Aug/2006:22:34:02 +0000 2001:db8::3 - 3E57427F33A59F07")
        }
        // Far more tokens than fields: only the documented ones are read.
        let longer = Self.newest + String(repeating: " extra", count: 5_000)
        #expect(try parse(longer).value(of: .aclRequired) == "Yes")
    }

    @Test func cloudWatchLogsJSONShape() throws {
        let text = #"{"schema_version_id":"V_1_0","bucket_arn":"arn:aws:s3:::amzn-s3-demo-bucket1","bucket_name":"amzn-s3-demo-bucket1","request_time":"2019-02-06T00:00:38.000Z","bucket_owner_id":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be","remote_ip":"192.0.2.3","requester":null,"request_id":"3E57427F3EXAMPLE","operation":"REST.GET.OBJECT","key_name":"reports/q3.pdf","request_uri":"GET /reports/q3.pdf HTTP/1.1","http_status":403,"error_code":"AccessDenied","bytes_sent":243,"user_agent":"curl/8.5.0","referrer":null,"tls_version":"TLSv1.3","nested":{"a":1}}"#
        let value = try JSONParser().parse(text)
        #expect(S3AccessLogParser.looksLikeRecord(value))
        let r = try #require(S3AccessLogParser.record(json: value))
        #expect(r.shape == .json && r.line == value.serialized())
        #expect(r.bucket == "amzn-s3-demo-bucket1" && r.value(of: .bucketARN) == "arn:aws:s3:::amzn-s3-demo-bucket1")
        #expect(r.value(of: .schemaVersionID) == "V_1_0" && r.value(of: .bucketOwner) == Self.owner)
        #expect(r.value(of: .time) == "2019-02-06T00:00:38.000Z")
        #expect(r.isAnonymous && r.value(of: .key) == "reports/q3.pdf")
        #expect(r.value(of: .httpStatus) == "403" && r.value(of: .bytesSent) == "243" && r.value(of: .errorCode) == "AccessDenied")
        #expect(r.value(of: .referer) == nil && r.value(of: .tlsVersion) == "TLSv1.3")
        // The bucket from its ARN when the record has no bucket_name.
        let byARN = try #require(S3AccessLogParser.record(json: try JSONParser().parse(
            #"{"bucket_arn":"arn:aws:s3:::amzn-s3-demo-logs","request_time":"2019-02-06T00:00:38.000Z","operation":"REST.HEAD.BUCKET"}"#)))
        #expect(byARN.bucket == "amzn-s3-demo-logs")
        // Other documents are not S3 records.
        for other in [#"{"query_name":"example.com.","query_type":"A","query_timestamp":"2021-02-04T17:51:55Z"}"#,
                      #"{"eventName":"GetObject","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b"}}"#,
                      #"{"operation":"REST.GET.OBJECT","bucket_name":"b"}"#, #"{"operation":7,"bucket_name":"b","request_time":"t"}"#,
                      #"["operation"]"#] {
            #expect(S3AccessLogParser.record(json: try JSONParser().parse(other)) == nil, "\(other)")
        }
    }

    @Test func sniffing() {
        func looks(_ s: String) -> Bool {
            var bytes = Array(s.utf8)
            return bytes.withUnsafeMutableBufferPointer { S3AccessLogParser.looksLikeEntry(UnsafePointer($0.baseAddress!), 0, $0.count) }
        }
        for line in [Self.newest, Self.put, Self.old, Self.oldest] { #expect(looks(line)) }
        #expect(looks("- bucket [06/Feb/2019:00:00:38 +0000]"))
        #expect(!looks("2 123456789012 eni-0a1b2c3d4e5f60718 198.51.100.23 192.0.2.10 51514 22 6 3 180 1700000100 1700000160 REJECT OK"))
        #expect(!looks(ALBLogTests.http))
        #expect(!looks("2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET"))
        #expect(!looks("owner bucket 06/Feb/2019:00:00:38 +0000"))
        #expect(!looks("owner bucket [6/Feb/2019:00:00:38 +0000]"))
        #expect(!looks("owner  [06/Feb/2019:00:00:38"))
        #expect(!looks("owner bucket [06/Feb/2019"))
        #expect(!looks(String(repeating: "a", count: 200) + " bucket [06/Feb/2019:00:00:38 +0000]"))
    }

    // MARK: Through Firehose and files

    @Test func directPutRecordKeepsTheOtherLines() throws {
        let flow = "2 123456789012 eni-0a1b2c3d4e5f60718 198.51.100.23 192.0.2.10 51514 22 6 3 180 1700000100 1700000160 REJECT OK"
        let broken = Self.oldest.replacingOccurrences(of: #""curl/7.15.1""#, with: #""curl/7.15.1"#)
        let text = [Self.newest, broken, flow, "hello world", ALBLogTests.http, Self.old + "\r", ""].joined(separator: "\n")
        let delivery = try FirehoseDelivery.parse(ALBLogTests.firehoseBody([Array(text.utf8)]))
        let result = try RecordDecoder().decodeRecords(of: delivery)
        #expect(result.events.map(\.event.kind) == [.s3Access, .vpcFlow, .text, .elb, .s3Access])
        #expect(result.issues.map(\.kind) == [.s3AccessLine] && result.issues.first?.line == 2)
        #expect(result.issues.first?.message.contains("quote") == true)
        guard case .s3Access(let last) = result.events[4].event else { Issue.record("expected an S3 record"); return }
        #expect(last.value(of: .errorCode) == "NoSuchBucketPolicy")
        #expect(result.events[0].jsonLine().hasPrefix(#"{"type":"s3","recordIndex":0,"event":{"bucket_owner":"#))
    }

    @Test func cloudWatchLogsPayloadOfJSONRecords() throws {
        let record = #"{"schema_version_id":"V_1_0","bucket_arn":"arn:aws:s3:::amzn-s3-demo-bucket1","bucket_name":"amzn-s3-demo-bucket1","request_time":"2019-02-06T00:00:38.000Z","remote_ip":"192.0.2.3","requester":"arn:aws:iam::123456789012:user/alice","operation":"REST.GET.BUCKET","request_uri":"GET /?list-type=2 HTTP/1.1","http_status":200}"#
        let payload = CloudWatchLogsTests.payload(logGroup: "/aws/vendedlogs/s3", messages: [record, Self.old, "{broken"])
        let result = try RecordDecoder().decodeRecords(of: try FirehoseDelivery.parse(ALBLogTests.firehoseBody([payload])))
        #expect(result.events.map(\.event.kind) == [.s3Access, .s3Access])
        #expect(result.issues.map(\.kind) == [.json])
        guard case .s3Access(let first) = result.events[0].event else { Issue.record("expected an S3 record"); return }
        #expect(first.shape == .json && first.value(of: .requester) == "arn:aws:iam::123456789012:user/alice")
        #expect(result.events[0].context.logGroup == "/aws/vendedlogs/s3")
    }

    @Test func gzippedLogFileAndLineBound() throws {
        // An S3 log object as S3 writes it (several records), gzip'd, read as `firebreak decode` reads a file.
        let file = [Self.newest, Self.put, Self.old, Self.oldest].joined(separator: "\n") + "\n"
        let decoded = try RecordDecoder().decodeFile(Gzip.compress(Array(file.utf8)))
        #expect(decoded.events.map(\.event.kind) == [.s3Access, .s3Access, .s3Access, .s3Access] && decoded.issues.isEmpty)
        // A line over the line bound is skipped and reported; the lines around it are kept.
        let bound = DecoderConfiguration(maxLineBytes: 512)
        let long = Self.oldest.replacingOccurrences(of: #""curl/7.15.1""#, with: "\"" + String(repeating: "x", count: 600) + "\"")
        let result = try RecordDecoder(configuration: bound).decode(record: Array([Self.old, long, Self.oldest].joined(separator: "\n").utf8),
                                                                      index: 2)
        #expect(result.events.map(\.event.kind) == [.s3Access, .s3Access])
        #expect(result.issues.map(\.kind) == [.lineTooLong] && result.issues.first?.line == 2 && result.issues.first?.recordIndex == 2)
    }
}
