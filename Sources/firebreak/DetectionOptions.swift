import ArgumentParser
import FirebreakServer

/// `--rules` and `--intel`, shared by `serve`, `replay` and `rules`.
struct DetectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Add a Sigma rule file or folder to rules.paths (repeatable).", valueName: "path"))
    var rules: [String] = []

    @Option(name: .long, help: ArgumentHelp("Bind an IP list to a placeholder, e.g. known_bad_ips=ipsum.txt (repeatable).",
                                            valueName: "name=path"))
    var intel: [String] = []

    @Flag(name: .long, help: "Use only the --rules given, not the configured rules.paths.")
    var onlyGivenRules = false

    var overrides: DetectionOverrides {
        DetectionOverrides(rules: rules, intel: intel, onlyGivenRules: onlyGivenRules)
    }
}

extension CommandError {
    /// How ArgumentParser reports this error: usage errors with the command's help, others as they are.
    var forArgumentParser: any Error {
        kind == .usage ? ValidationError(description) : self
    }
}
