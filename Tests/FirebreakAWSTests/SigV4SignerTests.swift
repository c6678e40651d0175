import Foundation
import Testing
@testable import FirebreakAWS

@Suite struct SigV4SignerTests {
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    @Test func dates() {
        #expect(SigV4Signer.amzDate(Self.date) == "20150830T123600Z")
        #expect(SigV4Signer.scopeDate(Self.date) == "20150830")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 951_782_400.9)) == "20000229T000000Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 4_102_444_799)) == "20991231T235959Z")
    }

    @Test func canonicalURIEncodesTheWirePathAgain() {
        // What curl sends for "/ሴ" is "/%E1%88%B4"; non-S3 services encode that again.
        #expect(SigV4Signer.canonicalURI("/%E1%88%B4") == "/%25E1%2588%25B4")
        #expect(SigV4Signer.canonicalURI("/example%20space/") == "/example%2520space/")
        #expect(SigV4Signer.canonicalURI("") == "/")
        #expect(SigV4Signer.canonicalURI("/a/b/..") == "/a/")
        #expect(SigV4Signer.canonicalURI("/a/./b/../c") == "/a/c")
        #expect(SigV4Signer.canonicalURI("/../..") == "/")
        #expect(SigV4Signer.canonicalURI("//a//b") == "/a/b")
    }

    @Test func canonicalQuery() {
        #expect(SigV4Signer.canonicalQuery("b=2&a=1&a=0") == "a=0&a=1&b=2")
        #expect(SigV4Signer.canonicalQuery("flag&x=") == "flag=&x=")
        #expect(SigV4Signer.canonicalQuery("a=b%20c+d&%zz=1") == "%25zz=1&a=b%20c%2Bd")
        #expect(SigV4Signer.canonicalQuery("") == "")
    }

    @Test func signAddsHostDateTokenAndAuthorization() throws {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret",
                                                             sessionToken: "token"),
                                 region: "us-east-1", service: "ec2")
        let body = Array("Action=DescribeInstances&Version=2016-11-15".utf8)
        let request = AWSHTTPRequest(method: "POST", url: URL(string: "http://127.0.0.1:5055/")!,
                                     headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                                               ("Authorization", "stale"), ("X-Amz-Date", "19990101T000000Z")],
                                     body: body)
        let signed = signer.sign(request, date: Self.date)
        #expect(signed.header("Host") == "127.0.0.1:5055")
        #expect(signed.header("X-Amz-Date") == "20150830T123600Z")
        #expect(signed.header("X-Amz-Security-Token") == "token")
        #expect(signed.headers.filter { $0.name.lowercased() == "authorization" }.count == 1)
        let authorization = try #require(signed.header("Authorization"))
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ec2/aws4_request, "
                                        + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="))
        #expect(signed.body == body)
        // Pure: the same input gives the same output.
        #expect(signer.sign(request, date: Self.date).header("Authorization") == authorization)
        // The signature covers the body.
        var other = request
        other.body = Array("Action=DescribeVolumes&Version=2016-11-15".utf8)
        #expect(signer.sign(other, date: Self.date).header("Authorization") != authorization)
    }

    @Test func hostHeader() {
        #expect(SigV4Signer.hostHeader(for: URL(string: "https://ec2.us-east-1.amazonaws.com/")!) == "ec2.us-east-1.amazonaws.com")
        #expect(SigV4Signer.hostHeader(for: URL(string: "https://ec2.us-east-1.amazonaws.com:443/")!) == "ec2.us-east-1.amazonaws.com")
        #expect(SigV4Signer.hostHeader(for: URL(string: "http://localhost:80/")!) == "localhost")
        #expect(SigV4Signer.hostHeader(for: URL(string: "http://[::1]:8080/")!) == "[::1]:8080")
    }

    @Test func unsignedHeadersAreLeftOut() {
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "sns")
        let request = AWSHTTPRequest(method: "GET", url: URL(string: "https://sns.us-east-1.amazonaws.com/")!,
                                     headers: [("User-Agent", "firebreak"), ("Expect", "100-continue")])
        let canonical = signer.canonicalRequest(signer.sign(request, date: Self.date))
        #expect(canonical.signedHeaders == "host;x-amz-date")
    }

    @Test func signingKeyMatchesTheDocumentedDerivation() {
        // From the AWS documentation example ("Examples of how to derive a signing key").
        let key = SigningKeyCache.derive(secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", date: "20120215",
                                         region: "us-east-1", service: "iam")
        #expect(Hex.encode(key) == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    @Test func signingKeyCacheIsBounded() {
        let cache = SigningKeyCache(capacity: 3)
        for i in 0..<10 {
            _ = cache.signingKey(secret: "s\(i)", date: "20150830", region: "us-east-1", service: "ec2")
            #expect(cache.count <= 3)
        }
        let first = cache.signingKey(secret: "s", date: "20150830", region: "us-east-1", service: "ec2")
        #expect(first == cache.signingKey(secret: "s", date: "20150830", region: "us-east-1", service: "ec2"))
        #expect(first != cache.signingKey(secret: "s", date: "20150831", region: "us-east-1", service: "ec2"))
    }
}
