/// Where rules and lists come from, so the engine can load them again on SIGHUP or a file change.
public struct DetectionSources: Sendable {
    public var rulePaths: [String]
    public var intel: IntelConfiguration
    public var network: NetworkContext
    public var maxOpenGroups: Int
    /// `findings.dedup_window`: the window of rules that set none.
    public var dedup: FindingDedup

    public init(rulePaths: [String], intel: IntelConfiguration = IntelConfiguration(), network: NetworkContext = NetworkContext(),
                maxOpenGroups: Int = 100_000, dedup: FindingDedup = FindingDedup()) {
        self.dedup = dedup
        self.rulePaths = rulePaths
        self.intel = intel
        self.network = network
        self.maxOpenGroups = maxOpenGroups
    }
}
