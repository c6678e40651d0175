import FirebreakTemplates
import FirebreakTestSupport
import Foundation

/// `firebreak check`'s work (read, load, merge SAM globals, run every check) on the 311 shared sample
/// templates in this process, next to `cfn-lint` (a tool pipelines already run) on the same files in the
/// same run, one cfn-lint process for all of them.
enum TemplateBenchmark {
    struct Figures {
        var files: Int
        var templates: Int
        var findings: Int
        /// Median over the rounds, all files.
        var checkSeconds: Double
        /// nil when cfn-lint is not installed.
        var cfnLintSeconds: Double?
        var cfnLintFiles: Int
    }

    static func run(packageRoot: URL, rounds: Int, cfnLintFiles limit: Int?) throws -> Figures? {
        let corpus = try TestPaths.shared("cfn/aws-cloudformation-templates")
        let files = TemplateFiles.find(paths: [corpus.path]).sorted()
        guard !files.isEmpty else {
            print("templates: \(corpus.path) not found; skipped")
            return nil
        }
        var templates = 0
        var findings = 0
        var times: [Double] = []
        for _ in 0..<max(rounds, 1) {
            var loaded = 0
            var found = 0
            times.append(Stopwatch.time {
                for file in files {
                    guard let template = try? TemplateLoader.load(path: file) else { continue }
                    loaded += 1
                    found += TemplateChecker.check(template.mergingSAMGlobals()).count
                }
            })
            templates = loaded
            findings = found
        }
        let linted = Array(files.prefix(limit ?? files.count))
        let lint = cfnLint(linted)
        return Figures(files: files.count, templates: templates, findings: findings,
                       checkSeconds: Stopwatch.median(times), cfnLintSeconds: lint, cfnLintFiles: linted.count)
    }

    /// Wall time of one `cfn-lint` process over the files (its exit status reports findings, not failure).
    private static func cfnLint(_ files: [String]) -> Double? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cfn-lint", "--"] + files
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        var failed = false
        let seconds = Stopwatch.time {
            do {
                try process.run()
                process.waitUntilExit()
            } catch {
                failed = true
            }
        }
        // env exits 127 when cfn-lint is not on the PATH.
        if failed || process.terminationStatus == 127 {
            print("templates: cfn-lint not found (pip install cfn-lint); its baseline is skipped")
            return nil
        }
        return seconds
    }
}
