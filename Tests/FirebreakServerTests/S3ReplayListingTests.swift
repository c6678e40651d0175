import FirebreakAWS
import FirebreakTestSupport
import Foundation
import Synchronization
import Testing
@testable import FirebreakServer

/// What `firebreak replay s3://...` reads from moto's S3, and which listings it asks for: CloudTrail's, flow logs' and
/// Firehose's layouts in one bucket, narrowed by day without listing the other days.
@Suite(.serialized) struct S3ReplayListingTests {
    /// The real transport, with the URL of every request kept.
    final class URLRecorder: AWSTransport {
        let inner = CurlTransport()
        private let urls = Mutex<[URL]>([])
        func send(_ request: AWSHTTPRequest, timeouts: AWSTimeouts) throws(AWSError) -> AWSHTTPResponse {
            urls.withLock { $0.append(request.url) }
            return try inner.send(request, timeouts: timeouts)
        }
        /// The `prefix` of every ListObjectsV2 sent (empty for none).
        var listedPrefixes: [String] {
            urls.withLock { $0 }.compactMap { url -> String? in
                let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
                guard items.contains(where: { $0.name == "list-type" }) else { return nil }
                return items.first { $0.name == "prefix" }?.value ?? ""
            }
        }
    }

    static let bucket = "evidence"
    static let trail = "AWSLogs/123456789012/CloudTrail/"
    static let keys = [
        trail + "us-east-1/2024/04/30/123456789012_CloudTrail_us-east-1_20240430T2355Z_a.json.gz",
        trail + "us-east-1/2024/05/01/123456789012_CloudTrail_us-east-1_20240501T0005Z_b.json.gz",
        trail + "us-east-1/2024/05/02/123456789012_CloudTrail_us-east-1_20240502T0005Z_c.json.gz",
        trail + "us-east-1/2024/05/02/123456789012_CloudTrail_us-east-1_20240502T0010Z_d.json.gz",
        trail + "us-west-2/2024/05/02/123456789012_CloudTrail_us-west-2_20240502T0005Z_e.json.gz",
        trail + "us-east-1/2024/05/03/123456789012_CloudTrail_us-east-1_20240503T0005Z_f.json.gz",
        "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2024/05/02/123456789012_CloudTrail-Digest_us-east-1_x.json.gz",
        "AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/05/02/123456789012_vpcflowlogs_us-east-1_fl-1_20240502T0000Z_h.log.gz",
        "AWSLogs/123456789012/readme.txt",
        "failed-deliveries/http-endpoint-failed/2024/05/02/10/firebreak-1-2024-05-02-10-11-12-id1",
        "failed-deliveries/http-endpoint-failed/2024/05/03/00/firebreak-1-2024-05-03-00-01-02-id2",
        "flows/aws-account-id=123456789012/aws-service=vpcflowlogs/year=2024/month=05/day=02/hour=01/f.log.gz",
    ]

    private func withBucket(_ body: (MotoServer, S3Client, URLRecorder) throws -> Void) throws {
        let moto = try MotoServer.start()
        defer { moto.stop() }
        // moto checks S3 signatures against a URL whose query has %2F decoded (see S3MotoTests): listings by prefix run
        // with its checking off.
        try moto.authenticate(afterUnauthenticatedCalls: "inf")
        try moto.createBucket(Self.bucket)
        for key in Self.keys { try moto.putObject(bucket: Self.bucket, key: key, body: Array("{}".utf8)) }
        try moto.putObject(bucket: Self.bucket, key: Self.trail, body: [])                   // a folder marker
        try moto.putObject(bucket: Self.bucket, key: Self.trail + "us-east-1/2024/05/02/empty.json.gz", body: [])
        try moto.putObject(bucket: Self.bucket, key: Self.trail + "us-east-1/2024/05/02/old.json.gz", body: Array("{}".utf8),
                           headers: [("x-amz-storage-class", "GLACIER")])
        let recorder = URLRecorder()
        let s3 = S3Client(client: AWSClient(endpoint: moto.endpoint, region: moto.region, signingName: "s3",
                                            credentials: StaticCredentialProvider(moto.credentials), transport: recorder))
        try body(moto, s3, recorder)
    }

    @Test func aDayIsListedWithoutListingTheOthers() throws {
        try withBucket { _, s3, recorder in
            let listing = S3ReplayListing(s3: s3, location: S3Location(bucket: Self.bucket), range: ReplayDateRange(since: 20240502, until: 20240502),
                                          pageSize: 2)
            let result = try listing.list()
            #expect(result.objects.map(\.key) == [Self.keys[2], Self.keys[3], Self.keys[4], Self.keys[7], Self.keys[9], Self.keys[11]])
            #expect(result.archived.map(\.key) == [Self.trail + "us-east-1/2024/05/02/old.json.gz"])
            #expect(result.undated == 1)   // readme.txt
            let prefixes = recorder.listedPrefixes
            // Days are listed one by one, and only those in range; a year and a month are listed a level at a time.
            #expect(!prefixes.contains { $0.contains("/2024/05/01/") || $0.contains("/2024/05/03/") || $0.contains("/2024/04/") })
            #expect(prefixes.contains(Self.trail + "us-east-1/2024/05/02/"))
            #expect(prefixes.contains(Self.trail + "us-east-1/2024/") && prefixes.contains(Self.trail + "us-east-1/2024/05/"))
            #expect(!prefixes.contains { $0.contains("CloudTrail-Digest/us-east-1") })
        }
    }

    @Test func withoutARangeEveryObjectIsReadDayByDay() throws {
        try withBucket { _, s3, recorder in
            let result = try S3ReplayListing(s3: s3, location: S3Location(bucket: Self.bucket, prefix: "AWSLogs/"),
                                             range: ReplayDateRange()).list()
            // Sorted by the day of the key, then by key; digests, markers and empty objects left out, undated kept.
            #expect(result.objects.map(\.key) == [Self.keys[8], Self.keys[0], Self.keys[1], Self.keys[2], Self.keys[3], Self.keys[4],
                                                 Self.keys[7], Self.keys[5]])
            #expect(result.archived.count == 1)
            #expect(recorder.listedPrefixes == ["AWSLogs/"])
        }
    }

    @Test func anOpenRangeAndAPrefixInsideTheLayout() throws {
        try withBucket { _, s3, _ in
            let since = try S3ReplayListing(s3: s3, location: S3Location(bucket: Self.bucket, prefix: "failed-deliveries/"),
                                            range: ReplayDateRange(since: 20240503)).list()
            #expect(since.objects.map(\.key) == [Self.keys[10]])
            let until = try S3ReplayListing(s3: s3, location: S3Location(bucket: Self.bucket, prefix: Self.trail + "us-east-1/2024/"),
                                            range: ReplayDateRange(until: 20240501)).list()
            #expect(until.objects.map(\.key) == [Self.keys[0], Self.keys[1]])
        }
    }
}
