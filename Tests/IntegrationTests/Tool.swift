import FirebreakTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Programs on PATH (python3, openssl, curl) run in the package root, with their output collected.
enum Tool {
    /// cfn-lint's console script, run by the python3 that has it (no PATH shim needed after a pip install).
    static let cfnLintMain = "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())"

    /// `program` found on PATH, run in the package root.
    static func run(_ program: String, _ arguments: [String], timeout: TimeInterval = 300) throws -> CommandResult {
        CommandResult(try ChildProcess.run(program, arguments, directory: FirehoseFixture.packageRoot, timeout: timeout))
    }
}
