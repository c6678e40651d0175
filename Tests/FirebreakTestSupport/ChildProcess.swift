import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process run to completion with both outputs collected: programs on PATH (openssl, curl, python3)
/// and the project's own binaries.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// A child that did not finish in time, or a command that failed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// `program` found on PATH.
    public static func run(_ program: String, _ arguments: [String], directory: URL? = nil,
                           timeout: TimeInterval = 300) throws -> Result {
        try run(executable: URL(fileURLWithPath: "/usr/bin/env"), [program] + arguments, directory: directory, timeout: timeout)
    }

    /// Both pipes are read to the end before waiting (so a large output cannot block the child); after `timeout`
    /// the child is SIGKILLed by pid (a child started from a test thread ignores SIGTERM, SWIFT-NOTES).
    /// `environment` nil inherits ours; `directory` nil keeps ours.
    public static func run(executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                           directory: URL? = nil, timeout: TimeInterval) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let collected = Collected()
        let group = DispatchGroup()
        for (index, handle) in [out.fileHandleForReading, err.fileHandleForReading].enumerated() {
            group.enter()
            DispatchQueue.global().async {
                collected.set(index, handle.readDataToEndOfFile())
                group.leave()
            }
        }
        guard group.wait(timeout: .now() + timeout) == .success else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failure(description: "\(executable.lastPathComponent) \(arguments.prefix(4).joined(separator: " ")) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: collected.get(0), as: UTF8.self),
                      stderr: String(decoding: collected.get(1), as: UTF8.self))
    }

    /// Standard output and error, filled by the reading threads.
    private final class Collected: Sendable {
        private let outputs = Mutex([Data(), Data()])
        func set(_ index: Int, _ data: Data) { outputs.withLock { $0[index] = data } }
        func get(_ index: Int) -> Data { outputs.withLock { $0[index] } }
    }
}
