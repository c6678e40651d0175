import FirebreakDetection

/// Which findings a playbook answers. Every key given must hold; within a list any element will do.
/// At least one key is required (a playbook that matches everything is almost always a mistake).
public struct PlaybookMatch: Sendable, Hashable {
    /// Rule ids (any of).
    public var rules: [String]
    /// Rule tags such as `attack.t1071` (any of; compared case-insensitively).
    public var tags: [String]
    /// The finding's level is at least this.
    public var level: RuleLevel?
    /// `cloudtrail`, `vpcflowlogs`, `route53` or `guardduty` (the finding's log source service).
    public var logSource: String?

    public init(rules: [String] = [], tags: [String] = [], level: RuleLevel? = nil, logSource: String? = nil) {
        self.rules = rules
        self.tags = tags
        self.level = level
        self.logSource = logSource
    }

    public var isEmpty: Bool { rules.isEmpty && tags.isEmpty && level == nil && logSource == nil }

    public func matches(_ finding: Finding) -> Bool {
        if !rules.isEmpty && !rules.contains(finding.ruleID) { return false }
        if !tags.isEmpty {
            let findingTags = Set(finding.tags.map { $0.lowercased() })
            if !tags.contains(where: { findingTags.contains($0.lowercased()) }) { return false }
        }
        if let level, finding.level < level { return false }
        if let logSource, finding.logSource.service != logSource { return false }
        return true
    }
}
