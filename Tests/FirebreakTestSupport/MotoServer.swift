import FirebreakAWS
import Foundation
import Synchronization

/// A `moto_server` child process on 127.0.0.1 for tests and the benchmark, with helpers for its `/moto-api`.
///
/// Started from `moto_server` on PATH, else `python3 -m moto.server`, on a free loopback port; its output goes
/// to a temporary log whose tail is in the error when it does not start. Stopped by process id with SIGKILL
/// (SIGTERM is blocked in threads Swift Testing spawns children from, swift-corelibs-foundation#4772), in
/// `stop()` or at the latest in `deinit`. Signature and IAM checking are off until `reset()` (which the
/// `.motoServer` trait calls once, and suites call per test) turns them on with an admin user's `credentials`.
/// When moto is not installed, `start()` throws `Unavailable` with the command that installs it.
///
/// This module does not import Testing (the benchmark uses it); the suite trait is in `FirebreakTestTraits`.
public final class MotoServer: Sendable {
    /// The server of the enclosing `.motoServer` suite.
    @TaskLocal public static var current: MotoServer?

    public let port: UInt16
    public let endpoint: URL
    public let region = "us-east-1"
    /// Every client of `client(signingName:credentials:endpoint:)` goes through it; `raw` does not.
    public let transport = CountingTransport(CurlTransport())
    private let process: Mutex<Process?>
    private let adminKeys = Mutex<AWSCredentials?>(nil)
    private let pid: Int32
    private let log: URL

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    private init(process: Process, port: UInt16, log: URL) {
        self.port = port
        endpoint = URL(string: "http://127.0.0.1:\(port)/")!
        pid = process.processIdentifier
        self.process = Mutex(process)
        self.log = log
    }

    deinit { stop() }

    /// Starts moto on a free loopback port and waits until it answers (at most `timeout`).
    public static func start(timeout: Duration = .seconds(30)) throws -> MotoServer {
        let install = "run `scripts/install-deps.sh --test` (CI does) to install moto[server] 5.2.1"
        let (executable, prefixArguments): (URL, [String])
        if let motoServer = findOnPath("moto_server") {
            (executable, prefixArguments) = (motoServer, [])
        } else if let python = findOnPath("python3") {
            (executable, prefixArguments) = (python, ["-m", "moto.server"])
        } else {
            throw Unavailable(description: "moto_server is not on PATH and there is no python3: \(install)")
        }
        let port = freeLoopbackPort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(port)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = prefixArguments + ["-H", "127.0.0.1", "-p", String(port)]
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let server = MotoServer(process: process, port: port, log: log)
        func logTail() -> String { String(((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(2000)) }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                let text = logTail()
                try? FileManager.default.removeItem(at: log)
                throw Unavailable(description: "moto did not start (\(executable.path) exited with "
                                  + "\(process.terminationStatus)): \(install)\n\(text)")
            }
            if let response = try? server.raw("GET", "/moto-api/reset-auth"), response.status > 0 { return server }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let text = logTail()
        server.stop()
        throw Unavailable(description: "moto did not answer on 127.0.0.1:\(port) within \(timeout): \(install)\n\(text)")
    }

    /// Freezes (SIGSTOP) or thaws (SIGCONT) moto: an outage that keeps its state.
    public func freeze(_ frozen: Bool) { kill(pid, frozen ? SIGSTOP : SIGCONT) }

    /// Kills the child (SIGKILL, by process id) and reaps it, then removes its log; idempotent.
    public func stop() {
        guard let process = process.withLock({ value -> Process? in
            defer { value = nil }
            return value
        }) else { return }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
    }

    // MARK: /moto-api

    /// An unsigned request to moto itself (not counted by `transport`).
    @discardableResult
    public func raw(_ method: String, _ path: String, body: String = "", contentType: String? = nil) throws -> AWSHTTPResponse {
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        let request = AWSHTTPRequest(method: method, url: URL(string: "http://127.0.0.1:\(port)\(path)")!,
                                     headers: headers, body: Array(body.utf8))
        return try transport.inner.send(request, timeouts: AWSTimeouts(connect: .seconds(1), total: .seconds(10)))
    }

    /// Clears every backend (`POST /moto-api/reset`), creates the IAM user `firebreak` with an allow-everything
    /// policy, and turns signature and IAM checking on: from then on every AWS call must be signed with
    /// `credentials` (the clients of `client(signingName:)` are; so must a service's `AWS_ACCESS_KEY_ID`).
    public func reset() throws {
        try authenticate(afterUnauthenticatedCalls: "inf")
        try expectOK(raw("POST", "/moto-api/reset"), "reset")
        let keys = try createAdminUser("firebreak")
        adminKeys.withLock { $0 = keys }
        try authenticate(afterUnauthenticatedCalls: "0")
    }

    /// The keys moto checks signatures against: the admin user of the last `reset()`, else `testCredentials`.
    public var credentials: AWSCredentials { adminKeys.withLock { $0 } ?? Self.testCredentials }

    /// Runs `body` with signature checking off (unsigned set-up such as `createBucket`), then turns it back on.
    public func withoutAuthentication<Value>(_ body: () throws -> Value) throws -> Value {
        try authenticate(afterUnauthenticatedCalls: "inf")
        let value = try body()
        try authenticate(afterUnauthenticatedCalls: "0")
        return value
    }

    /// Signature and IAM checking: on after `count` more unauthenticated calls (`"0"`: now), off with `"inf"`.
    public func authenticate(afterUnauthenticatedCalls count: String) throws {
        try expectOK(raw("POST", "/moto-api/reset-auth", body: count, contentType: "text/plain"), "reset-auth")
    }

    /// Everything moto holds (`GET /moto-api/data.json`).
    public func data() throws -> [String: Any] {
        let response = try raw("GET", "/moto-api/data.json")
        try expectOK(response, "data.json")
        return try (JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    /// SNS `sent_notifications` of a topic: `[messageId, message, subject, {name: {Type, Value}}, groupId]` each.
    public func sentNotifications(topicArn: String) throws -> [[Any]] {
        let topics = (try data()["sns"] as? [String: Any])?["Topic"] as? [[String: Any]] ?? []
        let topic = topics.first { $0["arn"] as? String == topicArn }
        return topic?["sent_notifications"] as? [[Any]] ?? []
    }

    /// An S3 bucket, created while authentication is off (moto routes unsigned requests to S3; see
    /// `withoutAuthentication`).
    public func createBucket(_ name: String) throws {
        try expectOK(raw("PUT", "/\(name)"), "create bucket")
    }

    // MARK: Clients

    /// Keys for moto while signature checking is off (before the first `reset()`).
    public static let testCredentials = AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: "test")

    /// An AWS client for a service of this moto, through `transport`, with quick retries. `credentials` nil:
    /// the current `credentials`; `endpoint` nil: moto itself (give a `FaultProxy`'s to go through it).
    public func client(signingName: String, credentials: AWSCredentials? = nil, endpoint: URL? = nil) -> AWSClient {
        AWSClient(endpoint: endpoint ?? self.endpoint, region: region, signingName: signingName,
                  credentials: StaticCredentialProvider(credentials ?? self.credentials), transport: transport,
                  retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10), deadline: .seconds(20)))
    }

    public var ec2: EC2Client { EC2Client(client: client(signingName: "ec2")) }
    public var sns: SNSClient { SNSClient(client: client(signingName: "sns")) }
    public var cloudTrail: CloudTrailClient { CloudTrailClient(client: client(signingName: "cloudtrail")) }
    public var dynamoDB: DynamoDBClient { DynamoDBClient(client: client(signingName: DynamoDBClient.signingName)) }

    /// The shared state table as `firebreak store init` makes it (keys `pk`/`sk`, TTL on `expires_at`), and a client
    /// for it. Call after `reset()`, which clears it.
    public func stateTable(_ name: String = "firebreak-state") throws -> DynamoDBClient {
        let dynamo = dynamoDB
        _ = try dynamo.ensureTable(name, partitionKey: "pk", sortKey: "sk", ttlAttribute: "expires_at")
        return dynamo
    }

    /// Creates an IAM user in moto with an access key and an inline allow-everything policy, through IAM
    /// Query calls (`Version=2010-05-08`, signing name `iam`). Call while authentication is off (`reset()`
    /// creates one named `firebreak`).
    public func createAdminUser(_ name: String) throws -> AWSCredentials {
        let iam = client(signingName: "iam", credentials: AWSCredentials(accessKeyID: "AKIDBOOTSTRAP",
                                                                         secretAccessKey: "bootstrap"))
        func request(_ action: String) -> QueryRequest {
            var request = QueryRequest(action: action, version: "2010-05-08")
            request.add("UserName", name)
            return request
        }
        _ = try iam.query(request("CreateUser"))
        var policy = request("PutUserPolicy")
        policy.add("PolicyName", "admin")
        policy.add("PolicyDocument", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
        _ = try iam.query(policy)
        let key = try iam.query(request("CreateAccessKey"))
        guard let id = key.string("CreateAccessKeyResult", "AccessKey", "AccessKeyId"),
              let secret = key.string("CreateAccessKeyResult", "AccessKey", "SecretAccessKey") else {
            throw Unavailable(description: "moto's CreateAccessKey answered without a key")
        }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret)
    }

    // MARK: Private

    private func expectOK(_ response: AWSHTTPResponse, _ what: String) throws {
        guard (200..<300).contains(response.status) else {
            throw Unavailable(description: "moto \(what) answered HTTP \(response.status): "
                              + String(decoding: response.body.prefix(500), as: UTF8.self))
        }
    }

    private static func findOnPath(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// A port the kernel just handed out and released.
    private static func freeLoopbackPort() -> UInt16 {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }
}
