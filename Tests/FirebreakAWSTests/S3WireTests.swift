import Foundation
import Testing
@testable import FirebreakAWS

/// The S3 client's wire contract without a server: ListObjectsV2 requests, their XML and pagination, GetObject in
/// ranges, S3's errors, path and virtual-hosted addressing, and SigV4 as S3 signs it.
@Suite struct S3WireTests {
    private func s3(_ transport: ScriptedTransport, endpoint: String = "http://127.0.0.1:1/", chunkBytes: Int = 64 << 10) -> S3Client {
        S3Client(client: AWSClient(endpoint: URL(string: endpoint)!, region: "us-east-1", signingName: "s3",
                                   credentials: StaticCredentials(), transport: transport,
                                   retryPolicy: RetryPolicy(baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))),
                 chunkBytes: chunkBytes)
    }

    private func error(_ body: () throws -> Void) -> AWSError? {
        do { try body() } catch { return error as? AWSError }
        return nil
    }

    /// The query of a sent request as name → value (decoded).
    private func query(_ request: AWSHTTPRequest) -> [String: String] {
        let items = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
    }

    static func listXML(_ contents: [(key: String, size: Int)], prefixes: [String] = [], truncated: Bool = false,
                        token: String? = nil, encoded: Bool = true) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#
            + "<Name>trail</Name><Prefix></Prefix><KeyCount>\(contents.count)</KeyCount><MaxKeys>1000</MaxKeys>"
            + "<IsTruncated>\(truncated)</IsTruncated>"
        for item in contents {
            xml += "<Contents><Key>\(item.key)</Key><LastModified>2024-05-02T10:15:30.000Z</LastModified>"
                + "<ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><Size>\(item.size)</Size>"
                + "<StorageClass>STANDARD</StorageClass></Contents>"
        }
        for prefix in prefixes { xml += "<CommonPrefixes><Prefix>\(prefix)</Prefix></CommonPrefixes>" }
        if let token { xml += "<NextContinuationToken>\(token)</NextContinuationToken>" }
        if encoded { xml += "<EncodingType>url</EncodingType>" }
        return xml + "</ListBucketResult>"
    }

    // MARK: ListObjectsV2

    @Test func listObjectsV2IsASignedGETOfTheBucketWithItsParameters() throws {
        let transport = ScriptedTransport([.respond(200, Self.listXML([("AWSLogs/1/a.json.gz", 10)]))])
        let page = try s3(transport).listObjectsV2(bucket: "trail", prefix: "AWSLogs/1 2/", delimiter: "/",
                                                   startAfter: "AWSLogs/1 2/a", maxKeys: 500)
        let request = try #require(transport.sent.first)
        #expect(request.method == "GET")
        #expect(request.url.path(percentEncoded: true) == "/trail")
        #expect(query(request) == ["list-type": "2", "encoding-type": "url", "max-keys": "500", "prefix": "AWSLogs/1 2/",
                                   "delimiter": "/", "start-after": "AWSLogs/1 2/a"])
        // Each value encoded once, as S3 signs it.
        #expect(request.url.query(percentEncoded: true)?.contains("prefix=AWSLogs%2F1%202%2F") == true)
        #expect(request.header("x-amz-content-sha256") == S3Client.emptyPayloadHash)
        #expect(request.header("Authorization")?.contains("/us-east-1/s3/aws4_request") == true)
        #expect(request.body.isEmpty)
        #expect(page.objects == [S3Object(key: "AWSLogs/1/a.json.gz", size: 10, eTag: "\"0cc175b9c0f1b6a831c399e269772661\"",
                                          lastModified: Date(timeIntervalSince1970: 1_714_644_930), storageClass: "STANDARD")])
        #expect(!page.isTruncated && page.nextContinuationToken == nil)
    }

    @Test func urlEncodedKeysAndPrefixesAreDecoded() throws {
        let xml = Self.listXML([("logs/a+b%2Bc/%C3%BC%20x.gz", 3)], prefixes: ["logs/d%20e/"])
        let page = try s3(ScriptedTransport([.respond(200, xml)])).listObjectsV2(bucket: "trail", delimiter: "/")
        #expect(page.objects.map(\.key) == ["logs/a b+c/ü x.gz"])
        #expect(page.commonPrefixes == ["logs/d e/"])
        // Without <EncodingType> the text is the key.
        let plain = Self.listXML([("a+b", 3)], encoded: false)
        #expect(try s3(ScriptedTransport([.respond(200, plain)])).listObjectsV2(bucket: "trail").objects.map(\.key) == ["a+b"])
    }

    @Test func listAllObjectsFollowsContinuationTokensToTheLastPage() throws {
        let transport = ScriptedTransport([
            .respond(200, Self.listXML([("k1", 1), ("k2", 2)], truncated: true, token: "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")),
            .respond(200, Self.listXML([("k3", 3)], prefixes: ["k4/"], truncated: true, token: "page-3")),
            .respond(200, Self.listXML([("k5", 5)])),
        ])
        var keys: [String] = []
        var prefixes: [String] = []
        try s3(transport).listAllObjects(bucket: "trail", prefix: "k", startAfter: "k0", pageSize: 2) { page in
            keys += page.objects.map(\.key)
            prefixes += page.commonPrefixes
            return true
        }
        #expect(keys == ["k1", "k2", "k3", "k5"])
        #expect(prefixes == ["k4/"])
        let queries = transport.sent.map(query)
        #expect(queries.count == 3)
        #expect(queries[0]["start-after"] == "k0" && queries[0]["continuation-token"] == nil)
        // The token goes back as it came (its '/', '+' and '=' encoded once), and start-after no more.
        #expect(queries[1]["continuation-token"] == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        #expect(transport.sent[1].url.query(percentEncoded: true)?.contains("1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D") == true)
        #expect(queries[1]["start-after"] == nil)
        #expect(queries[2]["continuation-token"] == "page-3")
        #expect(queries.allSatisfy { $0["max-keys"] == "2" && $0["prefix"] == "k" })
    }

    @Test func listAllObjectsStopsWhenTheCallerSaysSo() throws {
        let transport = ScriptedTransport([.respond(200, Self.listXML([("k1", 1)], truncated: true, token: "t"))])
        var pages = 0
        try s3(transport).listAllObjects(bucket: "trail") { _ in pages += 1; return false }
        #expect(pages == 1 && transport.sent.count == 1)
    }

    @Test func aListingThatCannotEndIsAnError() {
        // The same token twice would loop for ever.
        let looping = ScriptedTransport([.respond(200, Self.listXML([("k1", 1)], truncated: true, token: "same"))])
        let repeated = error { try s3(looping).listAllObjects(bucket: "trail") { _ in true } }
        #expect(repeated?.code == "MalformedResponse")
        #expect(repeated?.message.contains("same continuation token twice") == true)
        #expect(looping.sent.count == 2)
        // Truncated without a token.
        let tokenless = ScriptedTransport([.respond(200, Self.listXML([("k1", 1)], truncated: true))])
        #expect(error { _ = try s3(tokenless).listObjectsV2(bucket: "trail") }?.message.contains("no continuation token") == true)
        #expect(error { _ = try s3(ScriptedTransport([.respond(200, "not xml")])).listObjectsV2(bucket: "trail") }?.code
            == "MalformedResponse")
        #expect(error { _ = try s3(ScriptedTransport([.respond(200, "<Other/>")])).listObjectsV2(bucket: "trail") }?.code
            == "MalformedResponse")
    }

    @Test func badParametersAreRefusedBeforeAnyCall() {
        let transport = ScriptedTransport([.respond(200, Self.listXML([]))])
        let client = s3(transport)
        #expect(error { _ = try client.listObjectsV2(bucket: "trail", maxKeys: 1001) }?.kind == .invalidParameter)
        #expect(error { _ = try client.listObjectsV2(bucket: "trail", continuationToken: "") }?.kind == .invalidParameter)
        #expect(error { _ = try client.listObjectsV2(bucket: "a/b") }?.kind == .invalidParameter)
        #expect(error { _ = try client.getObject(bucket: "trail", key: "a/../b") }?.message.contains("\"..\"") == true)
        #expect(error { _ = try client.getObject(bucket: "trail", key: "") }?.kind == .invalidParameter)
        #expect(transport.sent.isEmpty)
    }

    // MARK: Errors

    static func errorXML(_ code: String, _ message: String, extra: String = "") -> String {
        #"<?xml version="1.0" encoding="UTF-8"?><Error><Code>"# + code + "</Code><Message>\(message)</Message>\(extra)"
            + "<RequestId>4442587FB7D0A2F9</RequestId><HostId>host</HostId></Error>"
    }

    @Test func s3ErrorsAreTypedWithTheirCodeAndRequestID() {
        let missing = error {
            _ = try s3(ScriptedTransport([.respond(404, Self.errorXML("NoSuchBucket", "The specified bucket does not exist"))]))
                .listObjectsV2(bucket: "trail")
        }
        #expect(missing?.kind == .notFound && missing?.code == "NoSuchBucket" && missing?.requestID == "4442587FB7D0A2F9")
        #expect(missing?.status == 404)
        let denied = error {
            _ = try s3(ScriptedTransport([.respond(403, Self.errorXML("AccessDenied", "Access Denied"))])).listObjectsV2(bucket: "trail")
        }
        #expect(denied?.kind == .accessDenied)
        let noKey = error {
            _ = try s3(ScriptedTransport([.respond(404, Self.errorXML("NoSuchKey", "The specified key does not exist."))]))
                .getObject(bucket: "trail", key: "k")
        }
        #expect(noKey?.kind == .notFound && noKey?.code == "NoSuchKey")
        // HEAD-style: no body, the request id from the header.
        let bare = error {
            _ = try s3(ScriptedTransport([.respond(403, "", [("x-amz-request-id", "R1")])])).getObject(bucket: "trail", key: "k")
        }
        #expect(bare?.kind == .accessDenied && bare?.requestID == "R1")
    }

    @Test func slowDownIsThrottlingAndRetried() throws {
        let transport = ScriptedTransport([.respond(503, Self.errorXML("SlowDown", "Please reduce your request rate.")),
                                           .respond(200, Self.listXML([("k", 1)]))])
        #expect(S3ErrorDecoder.decode(AWSHTTPResponse(status: 503, body: Array(Self.errorXML("SlowDown", "x").utf8))).kind == .throttled)
        #expect(try s3(transport).listObjectsV2(bucket: "trail").objects.count == 1)
        #expect(transport.sent.count == 2)
    }

    @Test func aBucketInAnotherRegionNamesThatRegion() {
        let redirect = error {
            _ = try s3(ScriptedTransport([.respond(301, Self.errorXML("PermanentRedirect", "The bucket you are attempting to access "
                                                                         + "must be addressed using the specified endpoint.",
                                                                         extra: "<Endpoint>trail.s3.eu-west-1.amazonaws.com</Endpoint>"),
                                                   [("x-amz-bucket-region", "eu-west-1")])]))
                .listObjectsV2(bucket: "trail")
        }
        #expect(redirect?.code == "PermanentRedirect")
        #expect(redirect?.message.contains("the bucket is in eu-west-1: set aws.region or AWS_REGION to eu-west-1") == true)
        let malformed = error {
            _ = try s3(ScriptedTransport([.respond(400, Self.errorXML("AuthorizationHeaderMalformed", "the region 'us-east-1' is wrong; "
                                                                         + "expecting 'ap-south-1'", extra: "<Region>ap-south-1</Region>"))]))
                .listObjectsV2(bucket: "trail")
        }
        #expect(malformed?.message.contains("the bucket is in ap-south-1") == true)
    }

    // MARK: GetObject

    /// A scripted range answer.
    private func range(_ bytes: [UInt8], from offset: Int, size: Int, eTag: String = "\"e1\"") -> ScriptedTransport.Step {
        .respond(206, String(decoding: bytes, as: UTF8.self),
                 [("Content-Range", "bytes \(offset)-\(offset + bytes.count - 1)/\(size)"), ("ETag", eTag)])
    }

    @Test func readObjectAsksForConsecutiveRangesPinnedToTheFirstETag() throws {
        let chunk = 64 << 10
        let object = (0..<(2 * chunk + 100)).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        let transport = ScriptedTransport([
            range(Array(object[0..<chunk]), from: 0, size: object.count),
            range(Array(object[chunk..<2 * chunk]), from: chunk, size: object.count),
            range(Array(object[(2 * chunk)...]), from: 2 * chunk, size: object.count),
        ])
        var read: [UInt8] = []
        var chunks = 0
        let size = try s3(transport, chunkBytes: chunk).readObject(bucket: "trail", key: "AWSLogs/a b/ü.log.gz") { piece in
            read += piece.bytes
            chunks += 1
            return true
        }
        #expect(size == Int64(object.count) && read == object && chunks == 3)
        let sent = transport.sent
        #expect(sent.map { $0.header("Range") } == ["bytes=0-65535", "bytes=65536-131071", "bytes=131072-196607"])
        #expect(sent.map { $0.header("If-Match") } == [nil, "\"e1\"", "\"e1\""])
        #expect(sent.allSatisfy { $0.url.path(percentEncoded: true) == "/trail/AWSLogs/a%20b/%C3%BC.log.gz" })
        #expect(sent.allSatisfy { $0.header("x-amz-content-sha256") == S3Client.emptyPayloadHash })
    }

    @Test func anObjectOverTheLimitIsRefusedFromItsFirstRange() {
        let transport = ScriptedTransport([range(Array("0123456789".utf8), from: 0, size: 5000)])
        let refused = error { _ = try s3(transport).object(bucket: "trail", key: "big", maxBytes: 10) }
        #expect(refused?.kind == .invalidParameter && refused?.code == "ObjectTooLarge")
        #expect(refused?.message.contains("5000 bytes, more than the 10-byte limit") == true)
        #expect(transport.sent.map { $0.header("Range") } == ["bytes=0-9"])
    }

    @Test func anEmptyObjectAndAWholeAnswerAreRead() throws {
        let empty = ScriptedTransport([.respond(416, Self.errorXML("InvalidRange", "The requested range is not satisfiable"))])
        #expect(try s3(empty).object(bucket: "trail", key: "empty", maxBytes: 100).isEmpty)
        let whole = ScriptedTransport([.respond(200, "whole body", [("ETag", "\"w\"")])])
        #expect(try s3(whole).object(bucket: "trail", key: "k", maxBytes: 100) == Array("whole body".utf8))
        // A range answer that does not match what was asked is not taken.
        let wrong = ScriptedTransport([.respond(206, "abc", [("Content-Range", "bytes 5-7/10")])])
        #expect(error { _ = try s3(wrong).getObject(bucket: "trail", key: "k") }?.code == "MalformedResponse")
    }

    @Test func anObjectReplacedWhileReadFails() {
        let chunk = 64 << 10
        let first = [UInt8](repeating: 0x61, count: chunk)
        let transport = ScriptedTransport([range(first, from: 0, size: chunk * 2),
                                           .respond(412, Self.errorXML("PreconditionFailed", "At least one of the pre-conditions you specified did not hold"))])
        let failed = error { _ = try s3(transport, chunkBytes: chunk).object(bucket: "trail", key: "k", maxBytes: .max) }
        #expect(failed?.code == "PreconditionFailed")
        #expect(transport.sent.last?.header("If-Match") == "\"e1\"")
    }

    @Test func contentRangeParsing() {
        let range = S3Client.parseContentRange("bytes 0-9/443")
        #expect(range?.start == 0 && range?.end == 9 && range?.size == 443)
        #expect(S3Client.parseContentRange("bytes */443") == nil)
        #expect(S3Client.parseContentRange("bytes 9-0/443") == nil)
        #expect(S3Client.parseContentRange("bytes 0-443/443") == nil)
    }

    // MARK: Addressing and signing

    @Test func addressingIsVirtualHostedOnAWSAndPathStyleElsewhere() throws {
        let aws = URL(string: "https://s3.us-east-1.amazonaws.com")!
        #expect(try S3Addressing.automatic.url(endpoint: aws, bucket: "trail-logs", key: "AWSLogs/x y", query: []).absoluteString
            == "https://trail-logs.s3.us-east-1.amazonaws.com/AWSLogs/x%20y")
        #expect(try S3Addressing.automatic.url(endpoint: aws, bucket: "trail-logs", key: nil, query: [("list-type", "2")]).absoluteString
            == "https://trail-logs.s3.us-east-1.amazonaws.com/?list-type=2")
        // A dotted name would not match the *.s3 certificate; a legacy name is not a DNS label.
        #expect(try S3Addressing.automatic.url(endpoint: aws, bucket: "trail.logs", key: "k", query: []).absoluteString
            == "https://s3.us-east-1.amazonaws.com/trail.logs/k")
        #expect(S3Addressing.automatic.resolved(endpoint: aws, bucket: "Trail_Logs") == .path)
        // An endpoint override (moto, MinIO) is path style; its base path is kept.
        let moto = URL(string: "http://127.0.0.1:5000/")!
        #expect(try S3Addressing.automatic.url(endpoint: moto, bucket: "trail", key: "a//b", query: []).absoluteString
            == "http://127.0.0.1:5000/trail/a//b")
        #expect(try S3Addressing.path.url(endpoint: URL(string: "https://proxy.example/s3/")!, bucket: "trail", key: nil,
                                          query: []).absoluteString == "https://proxy.example/s3/trail")
        #expect(S3Addressing.virtualHosted.resolved(endpoint: moto, bucket: "trail") == .virtualHosted)
    }

    @Test func s3LocationsParse() throws {
        #expect(try S3Location(uri: "s3://trail/AWSLogs/123/") == S3Location(bucket: "trail", prefix: "AWSLogs/123/"))
        #expect(try S3Location(uri: "S3://trail") == S3Location(bucket: "trail", prefix: ""))
        #expect(S3Location(bucket: "trail", prefix: "p/").description == "s3://trail/p/")
        #expect(error { _ = try S3Location(uri: "s3://") }?.kind == .invalidParameter)
        #expect(error { _ = try S3Location(uri: "s3://bad bucket/x") }?.kind == .invalidParameter)
        #expect(!S3Location.isS3URI("/tmp/s3://x") && S3Location.isS3URI("s3://x"))
    }

    /// AWS's own examples for S3 (Signature Version 4, "Transferring payload in a single chunk"): GET Object with a
    /// range, and GET Bucket (list objects) with a query.
    @Test func signaturesMatchAWSsS3Examples() {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                                             secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                                 region: "us-east-1", service: "s3")
        let date = Date(timeIntervalSince1970: 1_369_353_600)   // 2013-05-24T00:00:00Z
        let get = signer.sign(AWSHTTPRequest(method: "GET", url: URL(string: "https://examplebucket.s3.amazonaws.com/test.txt")!,
                                             headers: [("Range", "bytes=0-9"), ("x-amz-content-sha256", S3Client.emptyPayloadHash)]),
                              date: date)
        #expect(get.header("Authorization") == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        let list = signer.sign(AWSHTTPRequest(method: "GET", url: URL(string: "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J")!,
                                              headers: [("x-amz-content-sha256", S3Client.emptyPayloadHash)]), date: date)
        #expect(list.header("Authorization")?.hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true)
    }

    /// S3 keys are signed as sent: each segment encoded once, empty segments and dots kept; other services keep
    /// their normalised, twice-encoded path.
    @Test func s3PathsAreNeitherNormalisedNorEncodedTwice() {
        let s3 = SigV4Signer(credentials: AWSCredentials(accessKeyID: "A", secretAccessKey: "S"), region: "us-east-1", service: "s3")
        let canonical = s3.canonicalRequest(method: "GET", path: "/trail/a%20b//c~d", query: nil, headers: [("Host", "h")],
                                            payloadHash: S3Client.emptyPayloadHash)
        #expect(canonical.text.split(separator: "\n")[1] == "/trail/a%20b//c~d")
        let ec2 = SigV4Signer(credentials: AWSCredentials(accessKeyID: "A", secretAccessKey: "S"), region: "us-east-1", service: "ec2")
        #expect(ec2.canonicalRequest(method: "GET", path: "/trail/a%20b//c", query: nil, headers: [("Host", "h")],
                                     payloadHash: S3Client.emptyPayloadHash).text.split(separator: "\n")[1] == "/trail/a%2520b/c")
    }

    @Test func timestampsParse() {
        #expect(S3Object.parseTimestamp("2009-10-12T17:50:30.000Z") == Date(timeIntervalSince1970: 1_255_369_830))
        #expect(S3Object.parseTimestamp("2009-10-12T17:50:30Z") == Date(timeIntervalSince1970: 1_255_369_830))
        #expect(S3Object.parseTimestamp("2009-10-12T17:50:30.5Z") == Date(timeIntervalSince1970: 1_255_369_830.5))
        #expect(S3Object.parseTimestamp("yesterday") == nil)
    }
}
