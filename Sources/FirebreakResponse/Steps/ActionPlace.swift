import FirebreakDetection

/// Where an action acts: the account and region of its finding's resource (nil: not said, the service's own).
public struct ActionPlace: Sendable, Hashable, Codable {
    public var account: String?
    public var region: String?

    public init(account: String? = nil, region: String? = nil) {
        self.account = account
        self.region = region
    }

    /// The finding's account and region.
    init(_ finding: Finding) {
        let resource = finding.resource
        self.init(account: resource.accountID, region: resource.region)
    }
}
