import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakAWS

/// The S3 client through the real signer and libcurl transport against `moto_server`: listings page by page
/// (continuation tokens, start-after, delimiter), objects read in ranges, S3's errors.
///
/// moto checks an S3 signature against werkzeug's `request.url`, which decodes `%2F` in the query and leaves `+` and
/// non-ASCII bytes raw in the path, so it rejects a correctly signed `prefix=AWSLogs%2F` or key `a+b` (botocore's own
/// requests too). Signed calls are checked here where moto is right (`signedCallsAreAccepted`), and against AWS's
/// published S3 examples in `S3WireTests`; the calls with such prefixes and keys run with moto's checking off.
@Suite(.serialized, .motoServer)
struct S3MotoTests {
    let moto: MotoServer
    let bucket = "trail-bucket"

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        try moto.withoutAuthentication { try moto.createBucket(bucket) }
    }

    private func put(_ keys: [String], body: [UInt8] = Array("x".utf8)) throws {
        try moto.withoutAuthentication {
            for key in keys { try moto.putObject(bucket: bucket, key: key, body: body) }
        }
    }

    @Test func signedCallsAreAccepted() throws {
        try put(["AWSLogs-plain.json.gz", "readme"], body: Array("0123456789".utf8))
        let page = try moto.s3().listObjectsV2(bucket: bucket)
        #expect(page.objects.map(\.key) == ["AWSLogs-plain.json.gz", "readme"])
        #expect(try moto.s3().object(bucket: bucket, key: "AWSLogs-plain.json.gz", maxBytes: 100) == Array("0123456789".utf8))
        var caught: AWSError?
        let stranger = S3Client(client: moto.client(signingName: "s3", credentials: AWSCredentials(accessKeyID: "AKIDNOBODY",
                                                                                                   secretAccessKey: "nope")))
        do { _ = try stranger.listObjectsV2(bucket: bucket) } catch { caught = error }
        #expect(caught?.kind == .accessDenied)
    }

    @Test func listingsPageThroughContinuationTokens() throws {
        let day = "AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/02/"
        let keys = (0..<7).map { "\(day)123456789012_CloudTrail_us-east-1_20240502T10\($0)0Z_k\($0).json.gz" }
            + ["AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/05/02/flow a+b.log.gz", "other/x"]
        try put(keys)
        try moto.authenticate(afterUnauthenticatedCalls: "inf")
        defer { try? moto.authenticate(afterUnauthenticatedCalls: "0") }
        var pages: [S3ObjectListing] = []
        try moto.s3().listAllObjects(bucket: bucket, prefix: "AWSLogs/", pageSize: 3) { pages.append($0); return true }
        #expect(pages.count == 3)
        #expect(pages.dropLast().allSatisfy { $0.isTruncated && $0.nextContinuationToken != nil })
        #expect(pages.flatMap(\.objects).map(\.key) == keys.dropLast().sorted())
        #expect(pages.flatMap(\.objects).allSatisfy { $0.size == 1 && $0.eTag.hasPrefix("\"") && $0.lastModified != nil })

        var after: [String] = []
        try moto.s3().listAllObjects(bucket: bucket, prefix: day, startAfter: keys[4], pageSize: 1) { after += $0.objects.map(\.key); return true }
        #expect(after == [keys[5], keys[6]])

        let level = try moto.s3().listObjectsV2(bucket: bucket, prefix: "AWSLogs/123456789012/", delimiter: "/")
        #expect(level.objects.isEmpty)
        #expect(level.commonPrefixes == ["AWSLogs/123456789012/CloudTrail/", "AWSLogs/123456789012/vpcflowlogs/"])
    }

    @Test func objectsAreReadInRangesAndKeysWithAnyCharacter() throws {
        let body = (0..<(150 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let key = "failed-deliveries/http-endpoint-failed/2024/05/02/10/fire hose+1 ü.json"
        try put([key], body: body)
        try moto.authenticate(afterUnauthenticatedCalls: "inf")
        defer { try? moto.authenticate(afterUnauthenticatedCalls: "0") }
        let before = moto.transport.count
        var chunks = 0
        let s3 = moto.s3(chunkBytes: 64 << 10)
        var read: [UInt8] = []
        let size = try s3.readObject(bucket: bucket, key: key) { chunk in
            chunks += 1
            read += chunk.bytes
            return true
        }
        #expect(size == Int64(body.count) && read == body)
        #expect(chunks == 3 && moto.transport.count - before == 3)
        #expect(try s3.object(bucket: bucket, key: key, maxBytes: Int64(body.count)) == body)

        try put(["empty"], body: [])
        #expect(try s3.object(bucket: bucket, key: "empty", maxBytes: 10).isEmpty)
    }

    @Test func s3ErrorsFromMoto() throws {
        try put(["big"], body: [UInt8](repeating: 1, count: 100))
        var caught: AWSError?
        do { _ = try moto.s3().object(bucket: bucket, key: "missing", maxBytes: 10) } catch { caught = error }
        #expect(caught?.kind == .notFound && caught?.code == "NoSuchKey")
        caught = nil
        do { _ = try moto.s3().listObjectsV2(bucket: "no-such-bucket") } catch { caught = error }
        #expect(caught?.kind == .notFound && caught?.code == "NoSuchBucket")
        caught = nil
        do { _ = try moto.s3().object(bucket: bucket, key: "big", maxBytes: 99) } catch { caught = error }
        #expect(caught?.code == "ObjectTooLarge")
    }
}
