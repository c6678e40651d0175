import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A program found on PATH (python3), run to completion with its output collected.
enum Tool {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// cfn-lint's console script, run by the python3 that has it (no PATH shim needed after a pip install).
    static let cfnLintMain = "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())"

    static func run(_ program: String, _ arguments: [String], timeout: TimeInterval = 300) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.currentDirectoryURL = FirehoseFixture.packageRoot
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
            // Foundation's terminate() cannot stop a child of a test thread (SWIFT-NOTES): SIGKILL by pid.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failure(description: "\(program) \(arguments.suffix(3)) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self),
                             stderr: String(decoding: errData.get(), as: UTF8.self))
    }
}
