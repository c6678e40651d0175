/// A finding as the store keeps it: the columns the queries filter on, and the full finding as JSON.
public struct StoredFinding: Sendable, Hashable {
    /// Stable id: the same detection in a redelivered or overlapping batch has the same id.
    public var id: String
    public var ruleID: String
    public var title: String
    /// The rule level (`informational`, `low`, `medium`, `high`, `critical`).
    public var level: String
    /// When the event happened, milliseconds since the epoch.
    public var timeMillis: Int64
    public var resourceType: String
    public var resourceID: String
    /// The finding's JSON text, returned as stored.
    public var json: String
    /// Matches merged into this finding (its rule, dedup key and window), first and last event time.
    public var count: Int
    public var firstSeenMillis: Int64
    public var lastSeenMillis: Int64
    /// The first few matched events as JSON texts (the first match's included).
    public var samples: [String]
    /// When the finding's dedup window ends (event time); nil for correlation findings.
    public var windowEndMillis: Int64?

    public init(id: String, ruleID: String, title: String, level: String, timeMillis: Int64,
                resourceType: String, resourceID: String, json: String, count: Int = 1, firstSeenMillis: Int64? = nil,
                lastSeenMillis: Int64? = nil, samples: [String] = [], windowEndMillis: Int64? = nil) {
        self.windowEndMillis = windowEndMillis
        self.count = count
        self.firstSeenMillis = firstSeenMillis ?? timeMillis
        self.lastSeenMillis = lastSeenMillis ?? timeMillis
        self.samples = samples
        self.id = id
        self.ruleID = ruleID
        self.title = title
        self.level = level
        self.timeMillis = timeMillis
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.json = json
    }
}
