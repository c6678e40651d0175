import Foundation
import Testing
@testable import FirebreakAWS
import FirebreakTestSupport

/// One case of the AWS SigV4 test suite (`<package root>/../shared/testdata/sigv4/aws4_testsuite`, as in botocore).
struct SigV4SuiteCase: CustomTestStringConvertible, Sendable {
    var name: String
    var directory: URL

    var testDescription: String { name }

    func file(_ ext: String) throws -> String {
        let base = directory.lastPathComponent
        return try String(contentsOf: directory.appendingPathComponent("\(base).\(ext)"), encoding: .utf8)
    }

    static let root = TestPaths.sharedTestdata.appendingPathComponent("sigv4/aws4_testsuite")

    /// Every folder holding a `<folder>.req`, nested ones included.
    static func all() -> [SigV4SuiteCase] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var cases: [SigV4SuiteCase] = []
        for case let url as URL in enumerator where url.pathExtension == "req" {
            let directory = url.deletingLastPathComponent()
            guard url.deletingPathExtension().lastPathComponent == directory.lastPathComponent else { continue }
            let name = directory.path.replacingOccurrences(of: root.path + "/", with: "")
            cases.append(SigV4SuiteCase(name: name, directory: directory))
        }
        return cases.sorted { $0.name < $1.name }
    }
}

/// A raw request of the suite: request line, headers (continuation lines folded into the previous value,
/// duplicates kept), body after the blank line.
struct RawRequest {
    var method: String
    var path: String
    var query: String?
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(_ text: String) throws {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        let firstSpace = try #require(requestLine.firstIndex(of: " "))
        let lastSpace = try #require(requestLine.lastIndex(of: " "))
        method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = nil
        }
        headers = []
        var bodyLines: [String] = []
        var inBody = false
        for line in lines {
            if inBody { bodyLines.append(line); continue }
            if line.isEmpty { inBody = true; continue }
            if line.first == " " || line.first == "\t" {
                try #require(!headers.isEmpty)
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            let colon = try #require(line.firstIndex(of: ":"))
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        body = Array(bodyLines.joined(separator: "\n").utf8)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

@Suite struct SigV4TestSuiteTests {
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let accessKey = "AKIDEXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    @Test func suiteIsPresentAndComplete() {
        let cases = SigV4SuiteCase.all()
        #expect(cases.count >= 30, "the SigV4 suite is expected at \(SigV4SuiteCase.root.path)")
        #expect(cases.contains { $0.name == "normalize-path/get-space" })
        #expect(cases.contains { $0.name == "post-sts-token/post-sts-header-before" })
    }

    /// The session token of a case: signed ones appear in the expected canonical request.
    static func sessionToken(_ testCase: SigV4SuiteCase) throws -> String? {
        let creq = try testCase.file("creq")
        guard creq.contains("\nx-amz-security-token:") else { return nil }
        let line = try #require(creq.split(separator: "\n").first { $0.hasPrefix("x-amz-security-token:") })
        return String(line.dropFirst("x-amz-security-token:".count))
    }

    static func signer(_ testCase: SigV4SuiteCase) throws -> SigV4Signer {
        SigV4Signer(credentials: AWSCredentials(accessKeyID: accessKey, secretAccessKey: secret,
                                                sessionToken: try sessionToken(testCase)),
                    region: "us-east-1", service: "service")
    }

    /// Every step, byte for byte, from the raw request line (path and query exactly as written).
    @Test(arguments: SigV4SuiteCase.all())
    func steps(_ testCase: SigV4SuiteCase) throws {
        let raw = try RawRequest(try testCase.file("req"))
        let signer = try Self.signer(testCase)
        var headers = raw.headers
        if let token = signer.credentials.sessionToken, raw.header("x-amz-security-token") == nil {
            headers.append(("X-Amz-Security-Token", token))
        }
        let canonical = signer.canonicalRequest(method: raw.method, path: raw.path, query: raw.query, headers: headers,
                                                payloadHash: SHA256.hexDigest(raw.body))
        #expect(canonical.text == (try testCase.file("creq")))
        let sts = signer.stringToSign(canonicalRequest: canonical.text, date: Self.date)
        #expect(sts == (try testCase.file("sts")))
        #expect(signer.authorization(canonicalRequest: canonical, date: Self.date) == (try testCase.file("authz")))
    }

    /// The request's URL when Foundation keeps its path and query exactly as written.
    static func url(_ raw: RawRequest) -> URL? {
        let target = raw.path + (raw.query.map { "?\($0)" } ?? "")
        guard let url = URL(string: "https://example.amazonaws.com" + target),
              url.path(percentEncoded: true) == raw.path, url.query(percentEncoded: true) == raw.query else { return nil }
        return url
    }

    @Test func onlyNonURLRequestLinesSkipWholeRequestSigning() throws {
        let skipped = try SigV4SuiteCase.all().filter { Self.url(try RawRequest(try $0.file("req"))) == nil }.map(\.name)
        #expect(skipped == ["get-utf8", "get-vanilla-utf8-query", "normalize-path/get-space"])
    }

    /// `sign(_:)` end to end, for every case whose request line is a valid URL as written (not `get-utf8`,
    /// `get-space`, the UTF-8 query): the Authorization header and the header list of the `.sreq`.
    @Test(arguments: SigV4SuiteCase.all())
    func signWholeRequest(_ testCase: SigV4SuiteCase) throws {
        let raw = try RawRequest(try testCase.file("req"))
        guard let url = Self.url(raw) else {
            return  // covered by `steps`; `canonicalURIEncodesTheWirePathAgain` covers the encoded form
        }
        let signer = try Self.signer(testCase)
        let request = AWSHTTPRequest(method: raw.method, url: url, headers: raw.headers, body: raw.body)
        let signed = signer.sign(request, date: Self.date)
        #expect(signed.header("Authorization") == (try testCase.file("authz")))
        // Header names and order as in the signed request of the suite.
        // `post-sts-header-after` adds the token after signing, a variant this signer does not produce.
        let sreq = try RawRequest(try testCase.file("sreq"))
        let tokenAddedAfter = testCase.name.hasSuffix("post-sts-header-after")
        #expect(signed.headers.map(\.name) == sreq.headers.map(\.name).filter { !tokenAddedAfter || $0 != "X-Amz-Security-Token" })
    }
}
