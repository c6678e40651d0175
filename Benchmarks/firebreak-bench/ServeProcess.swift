import FirebreakTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The release `firebreak serve` (built beside this executable) as a child process for the end-to-end benchmark:
/// 127.0.0.1 on ports the kernel picks, a temporary configuration file (observe mode, the built-in rules, lists and
/// playbooks, a SQLite store in a temporary folder), an access key from the environment, and its standard output
/// and error in `serve.log` in that folder, never on the terminal. No AWS call leaves the machine: observe mode
/// makes none to EC2 and no alert topic is configured; anything attempted goes to a closed loopback port (unless
/// the caller points `AWS_ENDPOINT_URL` elsewhere, as the state table benchmark does, at a `moto_server`).
final class ServeProcess {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let folder: URL
    let storePath: String
    let logPath: String
    let accessKey = "bench-" + UUID().uuidString
    private let process = Process()
    private(set) var port: UInt16 = 0
    private(set) var adminPort: UInt16 = 0

    /// `firebreak` beside this executable (both are products of the same release build); nil when it is not there.
    static var binary: URL? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("firebreak")
        return FileManager.default.isExecutableFile(atPath: beside.path) ? beside : nil
    }

    /// `store`: the lines of the configuration's `store:` section (indented by two spaces), in place of the SQLite
    /// file in the temporary folder (`storePath` is then unused); `environment`: variables set over the ones above
    /// (an AWS endpoint, region and keys for a `moto_server`, say).
    init(binary: URL, packageRoot: URL, store: String? = nil, environment extra: [String: String] = [:]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("firebreak-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        storePath = folder.appendingPathComponent("firebreak.sqlite").path
        logPath = folder.appendingPathComponent("serve.log").path
        let configPath = folder.appendingPathComponent("firebreak.yaml").path
        let config = packageRoot.appendingPathComponent("config")
        try """
            mode: observe
            server:
              listen: "127.0.0.1:0"
              admin_listen: "127.0.0.1:0"
            rules:
              paths: "\(config.appendingPathComponent("rules").path)"
            intel:
              folder: "\(config.appendingPathComponent("intel").path)"
            playbooks:
              path: "\(config.appendingPathComponent("playbooks.yaml").path)"
            store:
            \(store ?? "  path: \"\(storePath)\"")
            logging:
              level: info

            """.write(toFile: configPath, atomically: true, encoding: .utf8)

        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FIREBREAK_") && !$0.key.hasPrefix("AWS_") }
        environment["FIREBREAK_ACCESS_KEY"] = accessKey
        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1"
        environment["AWS_REGION"] = "us-east-1"
        environment["AWS_ACCESS_KEY_ID"] = "AKIDFIREBREAKBENCH"
        environment["AWS_SECRET_ACCESS_KEY"] = "firebreak-bench"
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment.merge(extra) { $1 }
        guard FileManager.default.createFile(atPath: logPath, contents: nil),
              let log = FileHandle(forWritingAtPath: logPath) else { throw Failure(description: "cannot write \(logPath)") }
        process.executableURL = binary
        process.arguments = ["serve", "--config", configPath]
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try log.close()

        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let lines = logLines()
            if let line = lines.first(where: { $0.contains(#""message":"listening""#) }), let port = Self.port(in: line) {
                self.port = port
                adminPort = lines.first(where: { $0.contains(#""message":"admin listening""#) }).flatMap(Self.port(in:)) ?? 0
                return
            }
            if !process.isRunning { break }
            usleep(50_000)
        }
        stop()
        throw Failure(description: "firebreak serve did not start; its log: \(logPath)")
    }

    private func logLines() -> [String] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The first `127.0.0.1:<port>` of a log line.
    private static func port(in line: String) -> UInt16? {
        guard let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression) else { return nil }
        return UInt16(line[range].split(separator: ":").last ?? "")
    }

    /// The store's size on disk: the SQLite file and its write-ahead log.
    var storeBytes: Int {
        [storePath, storePath + "-wal"].reduce(0) { total, path in
            total + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
    }

    var walBytes: Int { (try? FileManager.default.attributesOfItem(atPath: storePath + "-wal")[.size] as? Int) ?? 0 }

    var logBytes: Int { (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? 0 }

    /// The samples of the admin listener's `/metrics` whose name starts with `prefix`.
    func metricLines(_ prefix: String) throws -> [String] {
        let connection = try KeepAliveConnection(port: adminPort)
        let response = try connection.send(Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8), method: "GET")
        return String(decoding: response.body, as: UTF8.self).split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
    }

    /// The sum of every sample of a metric family (`firebreak_findings_total`), or one sample
    /// (`firebreak_events_total{type="vpcflow"}`), from the admin listener's `/metrics`.
    func metric(_ name: String) throws -> Double {
        var total = 0.0
        for line in try metricLines(name) {
            let sample = line.split(separator: " ")
            guard sample.count >= 2, let value = Double(sample[1]) else { continue }
            let key = String(sample[0])
            if key == name || (!name.contains("{") && key.hasPrefix(name + "{")) { total += value }
        }
        return total
    }

    /// SIGTERM (the service drains, then exits), SIGKILL after 30 s; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Stops the service if it still runs and removes the temporary folder (store, log, configuration).
    func remove() {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// One keep-alive HTTP/1.1 connection to 127.0.0.1, used by one thread at a time: a request is sent whole, then its
/// response is read whole.
final class KeepAliveConnection: @unchecked Sendable {   // handed to the one thread that uses it; never shared
    private let fd: Int32
    private let reader: HTTPWireReader

    /// `timeout`: for each send and each read of an answer (a delivery to a service whose store is slow may need more).
    init(port: UInt16, timeout seconds: Int = 120) throws {
        fd = try LoopbackSocket.connect(port: port)
        LoopbackSocket.setTimeouts(fd, seconds: seconds)
        reader = HTTPWireReader(fd: fd)
    }

    deinit { close(fd) }

    func send(_ request: [UInt8], method: String = "POST") throws -> HTTPWireMessage {
        guard LoopbackSocket.sendAll(fd, request) else { throw ServeProcess.Failure(description: "send failed: errno \(errno)") }
        return try reader.readResponse(to: method)
    }
}
