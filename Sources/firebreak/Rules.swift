import ArgumentParser
import FirebreakServer

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, validate and test the detection rules.",
        subcommands: [List.self, Validate.self, Test.self])

    /// Configuration and detection options every `rules` subcommand takes.
    struct Common: ParsableArguments {
        @Option(name: .long, help: "A YAML file layered over the embedded default configuration.")
        var config: String?

        @OptionGroup var detectionOptions: DetectionOptions

        func catalog() throws -> RuleCatalog {
            do {
                return try RuleCatalog(configFile: config, overrides: detectionOptions.overrides)
            } catch {
                throw error.forArgumentParser
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the rules in force: id, level, log source, title, file.")

        @OptionGroup var common: Common

        func run() throws {
            try common.catalog().list()
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load and compile every rule and list; report each one that cannot be used, with the reason.",
            discussion: "Exit status 0 when every rule loads, 1 otherwise.")

        @OptionGroup var common: Common

        func run() throws {
            if try !common.catalog().validate() { throw ExitCode(1) }
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
            if try !common.catalog().test(verbose: verbose) { throw ExitCode(1) }
        }
    }
}
