import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Child processes run to completion with their output collected: programs on PATH (python3, openssl, curl)
/// and the `firebreak` binary (CommandResult).
enum Tool {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// cfn-lint's console script, run by the python3 that has it (no PATH shim needed after a pip install).
    static let cfnLintMain = "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())"

    /// `program` found on PATH, run in the package root.
    static func run(_ program: String, _ arguments: [String], timeout: TimeInterval = 300) throws -> CommandResult {
        try run(executable: URL(fileURLWithPath: "/usr/bin/env"), [program] + arguments,
                directory: FirehoseFixture.packageRoot, timeout: timeout)
    }

    /// Runs `executable` to completion, both pipes read to the end before waiting (so a large output cannot
    /// block the child); SIGKILLed by pid after `timeout` (Foundation's terminate() cannot stop a child of a
    /// test thread, SWIFT-NOTES). `environment` nil inherits ours; `directory` nil keeps ours.
    static func run(executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                    directory: URL? = nil, timeout: TimeInterval) throws -> CommandResult {
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
        let outData = LockedData(), errData = LockedData()
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        guard group.wait(timeout: .now() + timeout) == .success else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failure(description: "\(executable.lastPathComponent) \(arguments.prefix(4)) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self),
                             stderr: String(decoding: errData.get(), as: UTF8.self))
    }
}
