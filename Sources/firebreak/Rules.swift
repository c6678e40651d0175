import ArgumentParser
import FirebreakDetection
import FirebreakServer
import Foundation

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, validate and test the detection rules.",
        subcommands: [List.self, Validate.self, Test.self])

    /// Configuration and detection options every `rules` subcommand takes.
    struct Common: ParsableArguments {
        @Option(name: .long, help: "A YAML file layered over the embedded default configuration.")
        var config: String?

        @OptionGroup var detectionOptions: DetectionOptions

        func sources() throws -> DetectionSources {
            let settings: ServiceConfiguration
            do {
                settings = try ServiceConfiguration.load(file: config)
            } catch {
                throw ValidationError(error.description)
            }
            return try detectionOptions.apply(to: settings.detection)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the rules in force: id, level, log source, title, file.")

        @OptionGroup var common: Common

        func run() throws {
            let sources = try common.sources()
            let (set, _) = try Rules.build(sources)
            for rule in set.rules.map(\.rule).sorted(by: { ($0.level ?? .medium, $0.title) > ($1.level ?? .medium, $1.title) }) {
                print([rule.id ?? "-", (rule.level ?? .medium).rawValue, rule.logsource.service ?? rule.logsource.description,
                       rule.title, rule.source].joined(separator: "\t"))
            }
            for correlation in set.correlations {
                print([correlation.id ?? "-", (correlation.level ?? .medium).rawValue, "correlation:\(correlation.kind.rawValue)",
                       correlation.title, correlation.source].joined(separator: "\t"))
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load and compile every rule and list; report each one that cannot be used, with the reason.",
            discussion: "Exit status 0 when every rule loads, 1 otherwise.")

        @OptionGroup var common: Common

        func run() throws {
            let (set, report) = try Rules.build(try common.sources())
            for problem in report.problems { print("error: \(problem)") }
            print("\(set.rules.count) rule(s), \(set.correlations.count) correlation(s) from \(set.files.count) file(s); "
                  + "\(report.problems.count) problem(s)")
            if !report.problems.isEmpty { throw ExitCode(1) }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the test events kept beside the rules (<rule>.tests.yaml).",
            discussion: "Each `match` event must produce a finding of the named rule and each `nomatch` event must not. Exit status 0 when all pass.")

        @OptionGroup var common: Common

        @Flag(name: .long, help: "Print every case, not only failures.")
        var verbose = false

        func run() throws {
            let sources = try common.sources()
            var problems: [RuleError] = []
            let intel = IntelRegistry.load(sources.intel, problems: &problems)
            let loaded = RuleFileLoader.load(paths: sources.rulePaths)
            var passed = 0, failed = 0
            for problem in problems + loaded.problems { print("error: \(problem)"); failed += 1 }
            for file in RuleTestSuite.files(in: sources.rulePaths) {
                do {
                    let suite = try RuleTestSuite.load(file: file)
                    for outcome in suite.run(loaded: loaded, placeholders: intel.registry, network: sources.network) {
                        if outcome.passed { passed += 1 } else { failed += 1 }
                        if !outcome.passed || verbose {
                            let expected = outcome.expectMatch ? "a finding" : "no finding"
                            print("\(outcome.passed ? "ok  " : "FAIL") \(outcome.file): \(outcome.name) (expected \(expected) of \(outcome.ruleID))")
                        }
                    }
                } catch {
                    print("error: \(error)")
                    failed += 1
                }
            }
            print("\(passed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }
    }

    static func build(_ sources: DetectionSources) throws -> (RuleSet, DetectionEngine.LoadReport) {
        DetectionEngine.load(sources)
    }
}
