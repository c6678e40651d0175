/// A named domain list (known-bad domains, mining pools), matched by suffix (`DomainSet`).
public struct DomainList: Sendable {
    /// The placeholder name rules use (`%known_bad_domains%`).
    public let name: String
    public let domains: DomainSet
    /// What loading found (`ranges` is unused and 0).
    public let statistics: IntelList.Statistics

    public init(name: String, domains: DomainSet, statistics: IntelList.Statistics) {
        self.name = name
        self.domains = domains
        self.statistics = statistics
    }

    public func contains(_ domain: String) -> Bool { domains.contains(domain) }
}
