import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The real `firebreak serve` binary as a child process on a loopback port, with its JSON log lines.
final class ServiceProcess: @unchecked Sendable {   // `process` is set once in init; `lines` sits behind a Mutex
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
    private let lines = Mutex<[String]>([])
    private let partial = Mutex<[UInt8]>([])
    private(set) var port: UInt16 = 0
    private var reaped = false

    /// Starts the service listening on 127.0.0.1 with an ephemeral port and waits until it listens.
    init(environment extra: [String: String] = [:], accessKey: String? = "test-key") throws {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FIREBREAK_") }
        env["FIREBREAK_LISTEN"] = "127.0.0.1:0"
        if let accessKey { env["FIREBREAK_ACCESS_KEY"] = accessKey }
        for (k, v) in extra { env[k] = v }
        process.executableURL = Self.binary
        process.arguments = ["serve"]
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [lines, partial] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; return }
            let complete: [String] = partial.withLock { buf in
                buf.append(contentsOf: data)
                var out: [String] = []
                while let nl = buf.firstIndex(of: 10) {
                    out.append(String(decoding: buf[..<nl], as: UTF8.self))
                    buf.removeSubrange(...nl)
                }
                return out
            }
            lines.withLock { $0.append(contentsOf: complete) }
        }
        try process.run()
        guard let line = waitForLine(containing: "\"listening\"", timeout: 20) else {
            kill(process.processIdentifier, SIGKILL)
            throw NSError(domain: "ServiceProcess", code: 1, userInfo: [NSLocalizedDescriptionKey: "service did not start: \(output)"])
        }
        guard let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression),
              let port = UInt16(line[range].split(separator: ":").last ?? "") else {
            throw NSError(domain: "ServiceProcess", code: 2, userInfo: [NSLocalizedDescriptionKey: "no port in \(line)"])
        }
        self.port = port
    }

    deinit {
        if !reaped {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var output: String { lines.withLock { $0.joined(separator: "\n") } }
    var logLines: [String] { lines.withLock { $0 } }

    func waitForLine(containing text: String, timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = lines.withLock({ $0.first { $0.contains(text) } }) { return line }
            if !process.isRunning { return lines.withLock { $0.first { $0.contains(text) } } }
            usleep(20_000)
        }
        return nil
    }

    /// The log line of one delivery, parsed.
    func deliveryLog(requestId: String, timeout: TimeInterval = 10) -> [String: Any]? {
        guard let line = waitForLine(containing: "\"requestId\":\"\(requestId)\"", timeout: timeout) else { return nil }
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
}
