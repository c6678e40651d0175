import FirebreakDetection

/// `--rules` and `--intel` of `serve`, `replay` and `rules`, layered over the configured detection sources.
public struct DetectionOverrides: Sendable {
    /// Rule files or folders added to `rules.paths`.
    public var rules: [String]
    /// `NAME=PATH` bindings of IP lists to placeholders.
    public var intel: [String]
    /// Use only `rules`, not the configured `rules.paths`.
    public var onlyGivenRules: Bool

    public init(rules: [String] = [], intel: [String] = [], onlyGivenRules: Bool = false) {
        self.rules = rules
        self.intel = intel
        self.onlyGivenRules = onlyGivenRules
    }

    /// The configured sources with these overrides applied.
    func apply(to sources: DetectionSources) throws(CommandError) -> DetectionSources {
        var out = sources
        out.rulePaths = (onlyGivenRules ? [] : sources.rulePaths) + rules
        for binding in intel {
            guard let (name, path) = IntelConfiguration.parseBinding(binding) else {
                throw CommandError(.usage, "--intel takes NAME=PATH (got '\(binding)')")
            }
            out.intel.lists[name] = path
        }
        return out
    }

    /// `settings` with these overrides applied to its detection sources.
    public func apply(to settings: ServiceConfiguration) throws(CommandError) -> ServiceConfiguration {
        var out = settings
        out.detection = try apply(to: settings.detection)
        return out
    }
}
