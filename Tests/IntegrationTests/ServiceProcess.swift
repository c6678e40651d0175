import FirebreakTestSupport
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The real `firebreak serve` binary as a child process on a loopback port, with its JSON log lines.
final class ServiceProcess: @unchecked Sendable {   // `process` and `port` are set once in init; `log` is Sendable
    static var binary: URL {
        // Tests run from .build/<config>/FirebreakPackageTests.xctest; the executable sits beside it.
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
                          URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        for dir in candidates {
            let url = dir.appendingPathComponent("firebreak")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return FirehoseFixture.packageRoot.appendingPathComponent(".build/debug/firebreak")
    }

    let process = Process()
    private let log = LineCollector()
    private(set) var port: UInt16 = 0
    /// The admin listener's port (`/metrics`, `/findings`); 0 when the service runs without one.
    private(set) var adminPort: UInt16 = 0
    /// The service's SQLite store (removed with its folder when the process object goes).
    let storePath: String
    private var reaped = false

    /// Starts the service listening on 127.0.0.1 with an ephemeral port and waits until it listens.
    init(environment extra: [String: String] = [:], accessKey: String? = "test-key", arguments: [String] = []) throws {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FIREBREAK_") }
        env["FIREBREAK_LISTEN"] = "127.0.0.1:0"
        env["FIREBREAK_ADMIN_LISTEN"] = "127.0.0.1:0"
        // The built-in rules and lists, wherever the tests run from.
        env["FIREBREAK_RULES"] = FirehoseFixture.packageRoot.appendingPathComponent("config/rules").path
        env["FIREBREAK_INTEL_FOLDER"] = FirehoseFixture.packageRoot.appendingPathComponent("config/intel").path
        env["FIREBREAK_INTERNAL_CIDRS"] = "10.0.0.0/16"
        env["FIREBREAK_PLAYBOOKS"] = FirehoseFixture.packageRoot.appendingPathComponent("config/playbooks.yaml").path
        // A store of its own, so that tests never see each other's request ids.
        storePath = FileManager.default.temporaryDirectory.appendingPathComponent("fb-store-\(UUID().uuidString)/firebreak.sqlite").path
        env["FIREBREAK_STORE"] = storePath
        if let accessKey { env["FIREBREAK_ACCESS_KEY"] = accessKey }
        for (k, v) in extra { env[k] = v }
        process.executableURL = Self.binary
        process.arguments = ["serve"] + arguments
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [log] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; return }
            log.append(data)
        }
        try process.run()
        guard let line = waitForLine(containing: "\"listening\"", timeout: 20) else {
            kill(process.processIdentifier, SIGKILL)
            throw NSError(domain: "ServiceProcess", code: 1, userInfo: [NSLocalizedDescriptionKey: "service did not start: \(output)"])
        }
        guard let port = Self.port(in: line) else {
            throw NSError(domain: "ServiceProcess", code: 2, userInfo: [NSLocalizedDescriptionKey: "no port in \(line)"])
        }
        self.port = port
        if let admin = log.lines.first(where: { $0.contains("\"admin listening\"") }) {
            adminPort = Self.port(in: admin) ?? 0
        }
    }

    /// The first `127.0.0.1:<port>` or `0.0.0.0:<port>` of a log line.
    static func port(in line: String) -> UInt16? {
        guard let range = line.range(of: #"(127\.0\.0\.1|0\.0\.0\.0):(\d+)"#, options: .regularExpression) else { return nil }
        return UInt16(line[range].split(separator: ":").last ?? "")
    }

    /// Resident and peak resident memory of the service, in bytes (`VmRSS`, `VmHWM` of /proc/<pid>/status).
    var memory: (resident: Int, peak: Int) {
        let text = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        func kib(_ key: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
            return (Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0) * 1024
        }
        return (kib("VmRSS"), kib("VmHWM"))
    }

    deinit {
        if !reaped {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: (storePath as NSString).deletingLastPathComponent)
    }

    var output: String { log.lines.joined(separator: "\n") }
    var logLines: [String] { log.lines }

    func waitForLine(containing text: String, timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = log.lines.first(where: { $0.contains(text) }) { return line }
            if !process.isRunning { return log.lines.first { $0.contains(text) } }
            usleep(20_000)
        }
        return nil
    }

    /// The log line of one delivery, parsed.
    func deliveryLog(requestID: String, timeout: TimeInterval = 10) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        var found: String?
        while found == nil && Date() < deadline {
            found = log.lines.first { $0.contains("\"message\":\"delivery ") && $0.contains("\"requestId\":\"\(requestID)\"") }
            if found == nil { usleep(20_000) }
        }
        guard let line = found else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }

    func signal(_ signo: Int32) { kill(process.processIdentifier, signo) }

    /// Waits for the process to exit; returns its exit status or nil on timeout.
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard !process.isRunning else { return nil }
        reaped = true
        return process.terminationStatus
    }

    func client(timeout: TimeInterval = 10) throws -> RawHTTPClient {
        try RawHTTPClient(port: port, timeout: timeout)
    }

    /// A client of the admin listener (`/metrics`, `/findings`).
    func adminClient(timeout: TimeInterval = 10) throws -> RawHTTPClient {
        try RawHTTPClient(port: adminPort, timeout: timeout)
    }
}

/// Complete lines of a child's output, collected from its pipe's handler thread.
final class LineCollector: Sendable {
    private let state = Mutex<(lines: [String], partial: [UInt8])>(([], []))

    var lines: [String] { state.withLock { $0.lines } }

    func append(_ data: Data) {
        state.withLock { s in
            s.partial.append(contentsOf: data)
            while let nl = s.partial.firstIndex(of: 10) {
                s.lines.append(String(decoding: s.partial[..<nl], as: UTF8.self))
                s.partial.removeSubrange(...nl)
            }
        }
    }
}

/// Runs the `firebreak` binary to completion (for `replay`, `rules`), with the built-in rules.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String

    static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CommandResult {
        CommandResult(try ChildProcess.run(executable: ServiceProcess.binary, arguments, environment: environment(extra), timeout: 60))
    }

    /// The environment a command runs with: ours without `FIREBREAK_*`, the built-in rules, lists and playbooks, a store
    /// of its own, then `extra`.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FIREBREAK_") }
        env["FIREBREAK_RULES"] = FirehoseFixture.packageRoot.appendingPathComponent("config/rules").path
        env["FIREBREAK_INTEL_FOLDER"] = FirehoseFixture.packageRoot.appendingPathComponent("config/intel").path
        env["FIREBREAK_INTERNAL_CIDRS"] = "10.0.0.0/16"
        env["FIREBREAK_PLAYBOOKS"] = FirehoseFixture.packageRoot.appendingPathComponent("config/playbooks.yaml").path
        env["FIREBREAK_STORE"] = FileManager.default.temporaryDirectory.appendingPathComponent("fb-cmd-\(UUID().uuidString).sqlite").path
        for (k, v) in extra { env[k] = v }
        return env
    }

    init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    init(_ result: ChildProcess.Result) {
        self.init(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}
