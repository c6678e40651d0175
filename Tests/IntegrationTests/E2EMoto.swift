import FirebreakAWS
import Foundation
import Synchronization
import Testing

/// A `moto_server` child process on 127.0.0.1 for the end-to-end tests (a copy of FirebreakResponseTests'
/// ResponseMoto: test targets cannot share files). Signature checking stays off.
///
/// Started from `moto_server` on PATH, else `python3 -m moto.server`; stopped by process id with SIGKILL.
/// When moto is not installed, `start()` throws, failing the suite with the command that installs it.
final class E2EMoto: Sendable {
    @TaskLocal static var current: E2EMoto?

    let port: UInt16
    let endpoint: URL
    let region = "us-east-1"
    private let process: Mutex<Process?>
    private let pid: Int32
    let transport = CountingTransport(CurlTransport())

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    private init(process: Process, port: UInt16) {
        self.port = port
        endpoint = URL(string: "http://127.0.0.1:\(port)/")!
        pid = process.processIdentifier
        self.process = Mutex(process)
    }

    deinit { stop() }

    static func start(timeout: Duration = .seconds(30)) throws -> E2EMoto {
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
        let server = E2EMoto(process: process, port: port)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw Unavailable(description: "moto did not start (\(executable.path) exited with "
                                  + "\(process.terminationStatus)): \(install)\n\(text.suffix(2000))")
            }
            if let response = try? server.raw("GET", "/moto-api/reset-auth"), response.status > 0 { return server }
            Thread.sleep(forTimeInterval: 0.1)
        }
        server.stop()
        throw Unavailable(description: "moto did not answer on 127.0.0.1:\(port) within \(timeout): \(install)")
    }

    /// Freezes (SIGSTOP) or thaws (SIGCONT) moto: an outage that keeps its state.
    func freeze(_ frozen: Bool) { kill(pid, frozen ? SIGSTOP : SIGCONT) }

    /// Kills the child (SIGKILL) and reaps it; idempotent.
    func stop() {
        guard let process = process.withLock({ value -> Process? in
            defer { value = nil }
            return value
        }) else { return }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// An unsigned request to moto itself (not counted).
    @discardableResult
    func raw(_ method: String, _ path: String, body: String = "") throws -> AWSHTTPResponse {
        let request = AWSHTTPRequest(method: method, url: URL(string: "http://127.0.0.1:\(port)\(path)")!,
                                     body: Array(body.utf8))
        return try transport.inner.send(request, timeouts: AWSTimeouts(connect: .seconds(1), total: .seconds(10)))
    }

    func reset() throws {
        let response = try raw("POST", "/moto-api/reset")
        guard (200..<300).contains(response.status) else {
            throw Unavailable(description: "moto reset answered HTTP \(response.status)")
        }
    }

    /// Everything moto holds (`GET /moto-api/data.json`).
    func data() throws -> [String: Any] {
        let response = try raw("GET", "/moto-api/data.json")
        return try (JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    /// SNS `sent_notifications` of a topic: `[messageId, message, subject, {name: {Type, Value}}, groupId]` each.
    func sentNotifications(topicArn: String) throws -> [[Any]] {
        let topics = (try data()["sns"] as? [String: Any])?["Topic"] as? [[String: Any]] ?? []
        let topic = topics.first { $0["arn"] as? String == topicArn }
        return topic?["sent_notifications"] as? [[Any]] ?? []
    }

    func client(signingName: String) -> AWSClient {
        AWSClient(endpoint: endpoint, region: region, signingName: signingName,
                  credentials: StaticCredentialProvider(AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: "test")),
                  transport: transport,
                  retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10), deadline: .seconds(20)))
    }

    var ec2: EC2Client { EC2Client(client: client(signingName: "ec2")) }
    var sns: SNSClient { SNSClient(client: client(signingName: "sns")) }
    var cloudTrail: CloudTrailClient { CloudTrailClient(client: client(signingName: "cloudtrail")) }

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

/// Counts and records the requests that go through the real transport underneath.
final class CountingTransport: AWSTransport {
    let inner: CurlTransport
    private let bodies = Mutex<[String]>([])

    init(_ inner: CurlTransport) {
        self.inner = inner
    }

    func send(_ request: AWSHTTPRequest, timeouts: AWSTimeouts) throws(AWSError) -> AWSHTTPResponse {
        bodies.withLock { $0.append(String(decoding: request.body, as: UTF8.self)) }
        return try inner.send(request, timeouts: timeouts)
    }

    var count: Int { bodies.withLock { $0.count } }
    /// The request bodies sent since `start` (an earlier `count`).
    func bodies(since start: Int) -> [String] { bodies.withLock { Array($0[min(start, $0.count)...]) } }
}

/// Runs a suite with one moto server, available as `E2EMoto.current`, stopped when the suite ends.
struct E2EMotoTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let moto = try E2EMoto.start()
        defer { moto.stop() }
        try await E2EMoto.$current.withValue(moto) { try await function() }
    }
}

extension Trait where Self == E2EMotoTrait {
    static var e2eMoto: Self { E2EMotoTrait() }
}
