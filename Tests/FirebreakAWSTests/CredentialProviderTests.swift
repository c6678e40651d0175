import Dispatch
import FirebreakHTTP
import Foundation
import Synchronization
import Testing
@testable import FirebreakAWS

let testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY-secret"
let testSessionToken = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"

func credentialsJSON(key: String = "ASIAEXAMPLE", expiresIn seconds: TimeInterval, code: String? = nil) -> [UInt8] {
    let expiration = ISO8601DateFormatter().string(from: Date().addingTimeInterval(seconds))
    var object: [String: String] = ["AccessKeyId": key, "SecretAccessKey": testSecret, "Token": testSessionToken,
                                    "Expiration": expiration, "RoleArn": "arn:aws:iam::123456789012:role/task"]
    if let code { object["Code"] = code; object["Type"] = "AWS-HMAC"; object["LastUpdated"] = expiration }
    return Array(try! JSONSerialization.data(withJSONObject: object))
}

/// Asserts that nothing a user could see of `error` leaks the test secrets.
func expectNoSecrets(_ error: AWSError?, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error else { return }
    for text in [error.message, error.description, "\(error)", String(reflecting: error)] {
        #expect(!text.contains(testSecret), sourceLocation: sourceLocation)
        #expect(!text.contains(testSessionToken), sourceLocation: sourceLocation)
    }
}

/// Counts calls; returns credentials or fails as told.
final class CountingProvider: CredentialProvider {
    let calls = Atomic<Int>(0)
    let delay: Double
    let make: @Sendable (Int) throws(AWSError) -> AWSCredentials

    init(delay: Double = 0, _ make: @escaping @Sendable (Int) throws(AWSError) -> AWSCredentials) {
        self.delay = delay
        self.make = make
    }

    func credentials() throws(AWSError) -> AWSCredentials {
        let n = calls.wrappingAdd(1, ordering: .relaxed).newValue
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        return try make(n)
    }
}

@Suite struct EnvironmentAndProfileCredentialTests {
    @Test func environment() throws {
        let full = try EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": testSecret,
                                                                   "AWS_SESSION_TOKEN": testSessionToken]).credentials()
        #expect(full == AWSCredentials(accessKeyID: "AKID", secretAccessKey: testSecret, sessionToken: testSessionToken))
        #expect(!full.description.contains(testSecret) && !full.description.contains(testSessionToken))
        let partial = #expect(throws: AWSError.self) {
            try EnvironmentCredentialProvider(environment: ["AWS_SECRET_ACCESS_KEY": testSecret]).credentials()
        }
        #expect(partial?.kind == .credentials)
        #expect(partial?.message.contains("AWS_ACCESS_KEY_ID is not") == true)
        expectNoSecrets(partial)
        #expect(throws: AWSError.self) { try EnvironmentCredentialProvider(environment: [:]).credentials() }
    }

    @Test func profileFromCredentialsAndConfigFiles() throws {
        let directory = try TemporaryDirectory()
        let credentials = try directory.write("credentials", """
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key = \(testSecret)
            [ci]
            aws_access_key_id = AKIDCI
            aws_secret_access_key = \(testSecret)
            aws_session_token = \(testSessionToken)
            """)
        let config = try directory.write("config", """
            [profile dev]
            aws_access_key_id = AKIDDEV
            aws_secret_access_key = \(testSecret)
            [profile process]
            credential_process = /usr/local/bin/get-credentials
            [profile half]
            aws_access_key_id = AKIDHALF
            """)
        let base = ["AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_CONFIG_FILE": config]
        #expect(try ProfileCredentialProvider(environment: base).credentials().accessKeyID == "AKIDDEFAULT")
        let ci = try ProfileCredentialProvider(environment: base.merging(["AWS_PROFILE": "ci"]) { $1 }).credentials()
        #expect(ci.accessKeyID == "AKIDCI" && ci.sessionToken == testSessionToken)
        #expect(try ProfileCredentialProvider(environment: base, profile: "dev").credentials().accessKeyID == "AKIDDEV")

        // role_arn profiles are supported now (STSCredentialProviderTests); credential_process is not.
        let assumed = #expect(throws: AWSError.self) { try ProfileCredentialProvider(environment: base, profile: "process").credentials() }
        #expect(assumed?.message.contains("credential_process") == true)
        #expect(assumed?.message.contains("does not support") == true)
        let half = #expect(throws: AWSError.self) { try ProfileCredentialProvider(environment: base, profile: "half").credentials() }
        #expect(half?.message.contains("only one of") == true)
        let missing = #expect(throws: AWSError.self) { try ProfileCredentialProvider(environment: base, profile: "nope").credentials() }
        #expect(missing?.message.contains("profile nope") == true)
        for error in [assumed, half, missing] { expectNoSecrets(error) }
    }

    @Test func profileFromHomeDirectory() throws {
        let home = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: home.path + "/.aws", withIntermediateDirectories: true)
        try home.write(".aws/credentials", "[default]\naws_access_key_id=AKIDHOME\naws_secret_access_key=\(testSecret)\n")
        #expect(try ProfileCredentialProvider(environment: ["HOME": home.path]).credentials().accessKeyID == "AKIDHOME")
    }
}

@Suite struct ContainerCredentialTests {
    /// `GET /creds` answering only `Authorization: <expected>`; counts the fetches.
    static func server(expectedAuthorization: @escaping @Sendable () -> String?, expiresIn: TimeInterval = 3_600,
                       delay: Double = 0, fetches: Recorder<String>) throws -> LoopbackServer {
        try LoopbackServer { router in
            router.route("GET", "/creds") { request, respond in
                fetches.append(request.headers["Authorization"] ?? "-")
                guard request.headers["Authorization"] == expectedAuthorization(),
                      request.headers["Accept"] == "application/json" else {
                    respond(HTTPResponse.text(401, "bad token"))
                    return
                }
                let body = credentialsJSON(expiresIn: expiresIn)
                DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
                    respond(HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: body))
                }
            }
        }
    }

    @Test func fullURIWithAuthorizationToken() throws {
        let fetches = Recorder<String>()
        let server = try Self.server(expectedAuthorization: { "Bearer abc123" }, fetches: fetches)
        defer { server.stop() }
        let environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.base + "/creds",
                           "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer abc123"]
        let provider = ContainerCredentialProvider(environment: environment, transport: CurlTransport())
        #expect(provider.isConfigured)
        let credentials = try provider.credentials()
        #expect(credentials.accessKeyID == "ASIAEXAMPLE")
        #expect(credentials.secretAccessKey == testSecret)
        #expect(credentials.sessionToken == testSessionToken)
        let expiration = try #require(credentials.expiration)
        #expect(abs(expiration.timeIntervalSinceNow - 3_600) < 5)

        let wrong = ContainerCredentialProvider(environment: environment.merging(["AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer nope"]) { $1 },
                                                transport: CurlTransport())
        let error = #expect(throws: AWSError.self) { try wrong.credentials() }
        #expect(error?.status == 401)
        #expect(error?.message.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN") == true)
        #expect(error?.message.contains("nope") == false)
        expectNoSecrets(error)
    }

    @Test func tokenFileIsReadAgainOnEveryFetchAndWins() throws {
        let directory = try TemporaryDirectory()
        let tokenFile = try directory.write("token", "first-token\n")
        let expected = Locked("first-token")
        let fetches = Recorder<String>()
        let server = try Self.server(expectedAuthorization: { expected.withLock { $0 } }, fetches: fetches)
        defer { server.stop() }
        let provider = ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.base + "/creds",
                                                                 "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
                                                                 "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored"],
                                                   transport: CurlTransport())
        #expect(try provider.credentials().accessKeyID == "ASIAEXAMPLE")
        try directory.write("token", "second-token")
        expected.withLock { $0 = "second-token" }
        #expect(try provider.credentials().accessKeyID == "ASIAEXAMPLE")
        #expect(fetches.all == ["first-token", "second-token"])

        try FileManager.default.removeItem(atPath: tokenFile)
        let error = #expect(throws: AWSError.self) { try provider.credentials() }
        #expect(error?.message.contains(tokenFile) == true)
    }

    @Test func fullURIHostRules() {
        func allowed(_ uri: String) -> Bool {
            ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri], transport: CurlTransport())
                .isConfigured && (try? ContainerCredentialProvider.validatedFullURI(uri).get()) != nil
        }
        #expect(allowed("http://127.0.0.1:51679/creds"))
        #expect(allowed("http://127.1.2.3/creds"))
        #expect(allowed("http://localhost/creds"))
        #expect(allowed("http://[::1]:8080/creds"))
        #expect(allowed("http://169.254.170.2/v2/credentials/x"))
        #expect(allowed("http://169.254.170.23/v1/credentials"))
        #expect(allowed("http://[fd00:ec2::23]/v1/credentials"))
        #expect(allowed("https://credentials.example.com/creds"))
        #expect(!allowed("http://10.0.0.1/creds"))
        #expect(!allowed("http://example.com/creds"))
        #expect(!allowed("http://169.254.169.254/latest"))
        #expect(!allowed("ftp://127.0.0.1/creds"))
        let error = #expect(throws: AWSError.self) {
            try ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://10.0.0.1/creds"],
                                            transport: CurlTransport()).credentials()
        }
        #expect(error?.message.contains("10.0.0.1 is not allowed") == true)
    }

    @Test func relativeURIGoesToTheECSAgent() {
        let provider = ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
                                                                 "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/ignored"],
                                                   transport: CurlTransport())
        #expect(provider.endpointURL?.absoluteString == "http://169.254.170.2/v2/credentials/abc")
    }

    @Test func notConfigured() {
        let provider = ContainerCredentialProvider(environment: [:], transport: CurlTransport())
        #expect(!provider.isConfigured)
        let error = #expect(throws: AWSError.self) { try provider.credentials() }
        #expect(error?.message.contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") == true)
    }

    @Test func malformedResponsesNeverEchoTheBody() throws {
        let server = try LoopbackServer { router in
            router.route("GET", "/creds") { _, respond in
                // Valid secret, broken JSON: the message must not quote it.
                respond(HTTPResponse(status: 200, body: Array("{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\(testSecret)\"".utf8)))
            }
        }
        defer { server.stop() }
        let provider = ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.base + "/creds"],
                                                   transport: CurlTransport())
        let error = #expect(throws: AWSError.self) { try provider.credentials() }
        #expect(error?.message.contains("not a credentials JSON") == true)
        expectNoSecrets(error)
    }
}

/// A fake IMDSv2: tokens are handed out by PUT and can be revoked; records every call.
final class FakeIMDS: Sendable {
    let calls: Recorder<String>
    let validTokens: Locked<Set<String>>
    let server: LoopbackServer

    init(role: String? = "firebreak-role", code: String = "Success") throws {
        let calls = Recorder<String>()
        let validTokens = Locked<Set<String>>([])
        let issued = Locked(0)
        let base = "/latest/meta-data/iam/security-credentials/"
        @Sendable func authorized(_ request: HTTPRequest) -> Bool {
            guard let token = request.headers["X-aws-ec2-metadata-token"] else { return false }
            return validTokens.withLock { $0.contains(token) }
        }
        server = try LoopbackServer { router in
            router.route("PUT", "/latest/api/token") { request, respond in
                calls.append("PUT /latest/api/token ttl=\(request.headers["X-aws-ec2-metadata-token-ttl-seconds"] ?? "-")")
                let token = "token-\(issued.withLock { $0 += 1; return $0 })"
                validTokens.withLock { _ = $0.insert(token) }
                respond(HTTPResponse(status: 200, body: Array(token.utf8)))
            }
            router.route("GET", base) { request, respond in
                calls.append("GET \(base) \(request.headers["X-aws-ec2-metadata-token"] ?? "-")")
                guard authorized(request) else { respond(HTTPResponse(status: 401)); return }
                guard let role else { respond(HTTPResponse(status: 404)); return }
                respond(HTTPResponse(status: 200, body: Array("\(role)\n".utf8)))
            }
            router.route("GET", base + (role ?? "none")) { request, respond in
                calls.append("GET role \(request.headers["X-aws-ec2-metadata-token"] ?? "-")")
                guard authorized(request) else { respond(HTTPResponse(status: 401)); return }
                respond(HTTPResponse(status: 200, body: credentialsJSON(expiresIn: 6 * 3_600, code: code)))
            }
        }
        self.calls = calls
        self.validTokens = validTokens
    }

    var environment: [String: String] { ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.base + "/"] }

    func revokeTokens() { validTokens.withLock { $0.removeAll() } }
}

@Suite struct IMDSCredentialTests {
    @Test func tokenThenRoleThenCredentials() throws {
        let imds = try FakeIMDS()
        defer { imds.server.stop() }
        let provider = IMDSCredentialProvider(environment: imds.environment, transport: CurlTransport())
        let credentials = try provider.credentials()
        #expect(credentials.accessKeyID == "ASIAEXAMPLE")
        #expect(credentials.sessionToken == testSessionToken)
        #expect(credentials.expiration != nil)
        #expect(imds.calls.all == ["PUT /latest/api/token ttl=21600",
                                   "GET /latest/meta-data/iam/security-credentials/ token-1", "GET role token-1"])
        // The session token is reused.
        _ = try provider.credentials()
        #expect(imds.calls.all.filter { $0.hasPrefix("PUT") }.count == 1)
    }

    @Test func newTokenAfter401() throws {
        let imds = try FakeIMDS()
        defer { imds.server.stop() }
        let provider = IMDSCredentialProvider(environment: imds.environment, transport: CurlTransport())
        _ = try provider.credentials()
        imds.revokeTokens()
        #expect(try provider.credentials().accessKeyID == "ASIAEXAMPLE")
        #expect(Array(imds.calls.all.suffix(4)) == ["GET /latest/meta-data/iam/security-credentials/ token-1",
                                                     "PUT /latest/api/token ttl=21600",
                                                     "GET /latest/meta-data/iam/security-credentials/ token-2",
                                                     "GET role token-2"])
    }

    @Test func missingTokenIsRefusedByTheServer() throws {
        // The fake answers 401 without a valid token; the provider's own requests always carry one.
        let imds = try FakeIMDS()
        defer { imds.server.stop() }
        let response = try CurlTransport().send(AWSHTTPRequest(method: "GET", url: imds.server.url("/latest/meta-data/iam/security-credentials/")),
                                                timeouts: AWSTimeouts())
        #expect(response.status == 401)
    }

    @Test func noRoleAndFailureCodes() throws {
        let noRole = try FakeIMDS(role: nil)
        defer { noRole.server.stop() }
        let error = #expect(throws: AWSError.self) {
            try IMDSCredentialProvider(environment: noRole.environment, transport: CurlTransport()).credentials()
        }
        #expect(error?.message.contains("no IAM role") == true)

        let failing = try FakeIMDS(code: "AssumeRoleUnauthorizedAccess")
        defer { failing.server.stop() }
        let codeError = #expect(throws: AWSError.self) {
            try IMDSCredentialProvider(environment: failing.environment, transport: CurlTransport()).credentials()
        }
        #expect(codeError?.message.contains("AssumeRoleUnauthorizedAccess") == true)
        expectNoSecrets(codeError)
    }

    @Test func endpointSelection() {
        #expect(IMDSCredentialProvider(environment: [:], transport: CurlTransport()).endpointURL?.absoluteString == "http://169.254.169.254")
        #expect(IMDSCredentialProvider(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"], transport: CurlTransport())
                    .endpointURL?.absoluteString == "http://[fd00:ec2::254]")
        #expect(IMDSCredentialProvider(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:8111/"], transport: CurlTransport())
                    .endpointURL?.absoluteString == "http://127.0.0.1:8111")
        #expect(IMDSCredentialProvider(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "not a url"], transport: CurlTransport())
                    .endpointURL == nil)
    }

    @Test func disabledAndUnreachable() throws {
        let disabled = #expect(throws: AWSError.self) {
            try IMDSCredentialProvider(environment: ["AWS_EC2_METADATA_DISABLED": "true"], transport: CurlTransport()).credentials()
        }
        #expect(disabled?.message.contains("AWS_EC2_METADATA_DISABLED") == true)

        let port = closedLoopbackPort()
        let start = ContinuousClock.now
        let unreachable = #expect(throws: AWSError.self) {
            try IMDSCredentialProvider(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(port)"],
                                       transport: CurlTransport()).credentials()
        }
        #expect(unreachable?.kind == .credentials)
        #expect(unreachable?.message.contains("instance metadata PUT") == true)
        #expect(ContinuousClock.now - start < .seconds(3))
    }
}

@Suite struct RefreshingCredentialTests {
    @Test func refreshesInsideTheWindowThroughTheContainerEndpoint() throws {
        let fetches = Recorder<String>()
        // Credentials expiring in 2 minutes, with a 5-minute refresh window: every call refreshes.
        let server = try ContainerCredentialTests.server(expectedAuthorization: { nil }, expiresIn: 120, fetches: fetches)
        defer { server.stop() }
        let provider = RefreshingCredentialProvider(
            ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.base + "/creds"],
                                        transport: CurlTransport()),
            refreshBefore: .seconds(300))
        _ = try provider.credentials()
        #expect(fetches.count == 1)
        _ = try provider.credentials()
        #expect(fetches.count == 2)
    }

    @Test func concurrentCallersCauseExactlyOneFetch() throws {
        let fetches = Recorder<String>()
        let server = try ContainerCredentialTests.server(expectedAuthorization: { nil }, expiresIn: 3_600, delay: 0.3,
                                                         fetches: fetches)
        defer { server.stop() }
        let provider = RefreshingCredentialProvider(
            ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.base + "/creds"],
                                        transport: CurlTransport()))
        let keys = Recorder<String>()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            keys.append((try? provider.credentials().accessKeyID) ?? "error")
        }
        #expect(keys.all == Array(repeating: "ASIAEXAMPLE", count: 8))
        #expect(fetches.count == 1)
        _ = try provider.credentials()
        #expect(fetches.count == 1)
    }

    @Test func othersKeepUsingValidCredentialsDuringARefresh() throws {
        let clock = Locked(Date(timeIntervalSince1970: 1_000_000))
        let expiry = Date(timeIntervalSince1970: 1_000_000 + 600)
        // The second fetch announces itself, then blocks until the test opens the gate.
        let fetchStarted = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        let base = CountingProvider { n in
            if n > 1 { fetchStarted.signal(); _ = gate.wait(timeout: .now() + 10) }
            return AWSCredentials(accessKeyID: "KEY\(n)", secretAccessKey: testSecret,
                                  expiration: expiry.addingTimeInterval(Double(n - 1) * 3_600))
        }
        let provider = RefreshingCredentialProvider(base, refreshBefore: .seconds(300), now: { clock.withLock { $0 } })
        #expect(try provider.credentials().accessKeyID == "KEY1")
        // Inside the window but still valid: one caller refreshes, the others get KEY1 without waiting for it.
        clock.withLock { $0 = expiry.addingTimeInterval(-60) }
        let keys = Recorder<String>()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { keys.append((try? provider.credentials().accessKeyID) ?? "error") }
        #expect(fetchStarted.wait(timeout: .now() + 5) == .success)
        for _ in 0..<5 { keys.append((try? provider.credentials().accessKeyID) ?? "error") }  // would block if they waited
        #expect(keys.all == ["KEY1", "KEY1", "KEY1", "KEY1", "KEY1"])
        gate.signal()
        #expect(group.wait(timeout: .now() + 10) == .success)
        #expect(keys.all.sorted() == ["KEY1", "KEY1", "KEY1", "KEY1", "KEY1", "KEY2"])
        #expect(base.calls.load(ordering: .relaxed) == 2)
        #expect(try provider.credentials().accessKeyID == "KEY2")

        // Once expired, callers wait for the refresh instead.
        clock.withLock { $0 = expiry.addingTimeInterval(3_660) }  // KEY2 expired; KEY3 will be fresh
        DispatchQueue.global().async(group: group) { keys.append((try? provider.credentials().accessKeyID) ?? "error") }
        #expect(fetchStarted.wait(timeout: .now() + 5) == .success)
        DispatchQueue.global().async(group: group) { keys.append((try? provider.credentials().accessKeyID) ?? "error") }
        Thread.sleep(forTimeInterval: 0.05)
        #expect(keys.count == 6)  // nobody got the expired KEY2
        gate.signal()
        #expect(group.wait(timeout: .now() + 10) == .success)
        #expect(Array(keys.all.suffix(2)) == ["KEY3", "KEY3"])
        #expect(base.calls.load(ordering: .relaxed) == 3)
    }

    @Test func failedRefreshKeepsValidCredentialsThenFails() throws {
        let clock = Locked(Date(timeIntervalSince1970: 1_000_000))
        let expiry = Date(timeIntervalSince1970: 1_000_000 + 600)
        let base = CountingProvider { n throws(AWSError) in
            guard n == 1 else { throw AWSError(.credentials, message: "endpoint down") }
            return AWSCredentials(accessKeyID: "KEY1", secretAccessKey: testSecret, expiration: expiry)
        }
        let provider = RefreshingCredentialProvider(base, now: { clock.withLock { $0 } })
        #expect(try provider.credentials().accessKeyID == "KEY1")
        clock.withLock { $0 = expiry.addingTimeInterval(-10) }
        #expect(try provider.credentials().accessKeyID == "KEY1")  // refresh failed, still valid
        clock.withLock { $0 = expiry.addingTimeInterval(1) }
        let error = #expect(throws: AWSError.self) { try provider.credentials() }
        #expect(error?.message == "endpoint down")
        #expect(base.calls.load(ordering: .relaxed) == 3)
    }

    @Test func longTermCredentialsAreFetchedOnce() throws {
        let base = CountingProvider { _ in AWSCredentials(accessKeyID: "AKID", secretAccessKey: testSecret) }
        let provider = RefreshingCredentialProvider(base)
        for _ in 0..<3 { _ = try provider.credentials() }
        #expect(base.calls.load(ordering: .relaxed) == 1)
        provider.invalidate()
        _ = try provider.credentials()
        #expect(base.calls.load(ordering: .relaxed) == 2)
    }
}

@Suite struct CredentialChainTests {
    @Test func environmentWinsOverTheContainer() throws {
        let fetches = Recorder<String>()
        let server = try ContainerCredentialTests.server(expectedAuthorization: { nil }, fetches: fetches)
        defer { server.stop() }
        let environment = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": testSecret,
                           "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.base + "/creds",
                           "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials", "AWS_CONFIG_FILE": "/nonexistent/config"]
        let chain = CredentialChain.standard(environment: environment, transport: CurlTransport())
        #expect(try chain.credentials().accessKeyID == "AKIDENV")
        #expect(chain.chosenIndex == 0)
        #expect(fetches.count == 0)
    }

    @Test func containerWhenNothingBeforeIt() throws {
        let fetches = Recorder<String>()
        let server = try ContainerCredentialTests.server(expectedAuthorization: { nil }, fetches: fetches)
        defer { server.stop() }
        let chain = CredentialChain.standard(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.base + "/creds",
                                                           "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
                                                           "AWS_CONFIG_FILE": "/nonexistent/config"],
                                             transport: CurlTransport())
        #expect(try chain.credentials().accessKeyID == "ASIAEXAMPLE")
        #expect(chain.chosenIndex == 3)  // after environment, profile and web identity
        _ = try chain.credentials()
        #expect(fetches.count == 1)  // cached by the refreshing wrapper
    }

    @Test func rememberTheProviderThatWorked() throws {
        let failing = CountingProvider { _ throws(AWSError) in throw AWSError(.credentials, message: "first: nothing") }
        let working = CountingProvider { n in AWSCredentials(accessKeyID: "AKID\(n)", secretAccessKey: testSecret) }
        let chain = CredentialChain([failing, working])
        #expect(try chain.credentials().accessKeyID == "AKID1")
        #expect(try chain.credentials().accessKeyID == "AKID2")
        #expect(failing.calls.load(ordering: .relaxed) == 1)
        #expect(chain.chosenIndex == 1)
    }

    @Test func noneYieldsListsEveryReasonWithoutSecrets() throws {
        let imds = try FakeIMDS(role: nil)
        defer { imds.server.stop() }
        let directory = try TemporaryDirectory()
        let config = try directory.write("config", "[default]\nrole_arn = arn:aws:iam::1:role/x\naws_session_token = \(testSessionToken)\n")
        let environment = imds.environment.merging(["AWS_SECRET_ACCESS_KEY": testSecret, "AWS_CONFIG_FILE": config,
                                                    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
                                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": testSessionToken]) { $1 }
        let error = #expect(throws: AWSError.self) {
            try CredentialChain.standard(environment: environment, transport: CurlTransport()).credentials()
        }
        let message = error?.message ?? ""
        #expect(message.hasPrefix("no AWS credentials found: "))
        #expect(message.contains("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"))
        #expect(message.contains("role_arn"))
        #expect(message.contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
        #expect(message.contains("no IAM role"))
        expectNoSecrets(error)
    }
}
