import ArgumentParser
import FirebreakDetection
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

    /// The configured sources with these options applied.
    func apply(to sources: DetectionSources) throws -> DetectionSources {
        var out = sources
        out.rulePaths = (onlyGivenRules ? [] : sources.rulePaths) + rules
        for binding in intel {
            guard let (name, path) = IntelConfiguration.parseBinding(binding) else {
                throw ValidationError("--intel takes NAME=PATH (got '\(binding)')")
            }
            out.intel.lists[name] = path
        }
        return out
    }
}
