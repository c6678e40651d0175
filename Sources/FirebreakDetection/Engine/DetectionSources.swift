/// Where rules and lists come from, so the engine can load them again on SIGHUP or a file change.
public struct DetectionSources: Sendable {
    public var rulePaths: [String]
    public var intel: IntelConfiguration
    public var network: NetworkContext
    public var maxOpenGroups: Int
    /// `findings.dedup_window`: the window of rules that set none.
    public var dedup: FindingDedup
    /// `findings.dedup_rules`: dedup settings by rule id or tag.
    public var dedupOverrides: [FindingDedup.Override]

    public init(rulePaths: [String], intel: IntelConfiguration = IntelConfiguration(), network: NetworkContext = NetworkContext(),
                maxOpenGroups: Int = 100_000, dedup: FindingDedup = FindingDedup(), dedupOverrides: [FindingDedup.Override] = []) {
        self.dedup = dedup
        self.dedupOverrides = dedupOverrides
        self.rulePaths = rulePaths
        self.intel = intel
        self.network = network
        self.maxOpenGroups = maxOpenGroups
    }
}
