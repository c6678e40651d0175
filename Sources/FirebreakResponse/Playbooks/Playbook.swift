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
    /// `cloudtrail` or `vpcflowlogs` (the finding's log source service).
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

/// One side of a scope (`scope` itself or `scope.exclude`): accounts, regions, VPCs, subnets, instance ids
/// and resource tags.
public struct ScopeSelector: Sendable, Hashable {
    public var accounts: [String]
    public var regions: [String]
    public var vpcs: [String]
    public var subnets: [String]
    public var instances: [String]
    public var tags: [String: String]

    public init(accounts: [String] = [], regions: [String] = [], vpcs: [String] = [], subnets: [String] = [],
                instances: [String] = [], tags: [String: String] = [:]) {
        self.accounts = accounts
        self.regions = regions
        self.vpcs = vpcs
        self.subnets = subnets
        self.instances = instances
        self.tags = tags
    }

    public var isEmpty: Bool {
        accounts.isEmpty && regions.isEmpty && vpcs.isEmpty && subnets.isEmpty && instances.isEmpty && tags.isEmpty
    }
}

/// Where a playbook may act. Inclusion: every key given must hold (any listed value; every listed tag).
/// Exclusion: any key that holds excludes the resource (any listed value; any listed tag).
public struct PlaybookScope: Sendable, Hashable {
    public var include: ScopeSelector
    public var exclude: ScopeSelector

    public init(include: ScopeSelector = ScopeSelector(), exclude: ScopeSelector = ScopeSelector()) {
        self.include = include
        self.exclude = exclude
    }

    public var isEmpty: Bool { include.isEmpty && exclude.isEmpty }

    /// The outcome of checking a scope against what is known of a resource.
    public enum Verdict: Sendable, Hashable {
        case inScope
        case outOfScope(String)
        /// Some condition needs a fact that is not known yet (tags before DescribeInstances, ...).
        case undecided(String)
    }

    /// Checks the scope. Facts that are nil are unknown; `tags == nil` means tags are unknown.
    /// With `strict` (the executor, which has described the resource), an unknown fact fails an inclusion
    /// and does not trigger an exclusion; without it (the planner), it leaves the verdict undecided.
    public func evaluate(_ facts: ResourceFacts, tagsKnown: Bool = true, strict: Bool = true) -> Verdict {
        var undecided: [String] = []
        let pairs: [(String, [String], [String], String?)] = [
            ("account", include.accounts, exclude.accounts, facts.accountID),
            ("region", include.regions, exclude.regions, facts.region),
            ("vpc", include.vpcs, exclude.vpcs, facts.vpcID),
            ("subnet", include.subnets, exclude.subnets, facts.subnetID),
            ("instance", include.instances, exclude.instances, facts.instanceID),
        ]
        for (name, wanted, _, value) in pairs where !wanted.isEmpty {
            guard let value else {
                if strict { return .outOfScope("\(name) unknown; scope lists \(wanted.joined(separator: ", "))") }
                undecided.append("\(name) unknown")
                continue
            }
            if !wanted.contains(value) { return .outOfScope("\(name) \(value) is not in scope") }
        }
        for (name, _, excluded, value) in pairs where !excluded.isEmpty {
            guard let value else {
                if !strict { undecided.append("\(name) unknown (exclusion)") }
                continue
            }
            if excluded.contains(value) { return .outOfScope("\(name) \(value) is excluded") }
        }
        if !include.tags.isEmpty || !exclude.tags.isEmpty {
            if tagsKnown {
                for key in include.tags.keys.sorted() where facts.tags[key] != include.tags[key] {
                    return .outOfScope("tag \(key)=\(include.tags[key]!) missing")
                }
                for key in exclude.tags.keys.sorted() where facts.tags[key] == exclude.tags[key] {
                    return .outOfScope("tag \(key)=\(exclude.tags[key]!) is excluded")
                }
            } else {
                undecided.append("tags unknown")
            }
        }
        return undecided.isEmpty ? .inScope : .undecided(undecided.joined(separator: "; "))
    }
}

/// A playbook: which findings, where, and the ordered steps to take.
public struct Playbook: Sendable, Hashable {
    public var name: String
    public var description: String
    public var match: PlaybookMatch
    public var scope: PlaybookScope
    public var steps: [PlaybookStep]
    /// Runs only for findings that no non-fallback playbook claims.
    public var fallback: Bool

    public init(name: String, description: String = "", match: PlaybookMatch, scope: PlaybookScope = PlaybookScope(),
                steps: [PlaybookStep], fallback: Bool = false) {
        self.name = name
        self.description = description
        self.match = match
        self.scope = scope
        self.steps = steps
        self.fallback = fallback
    }
}

/// Resources that are never changed: those carrying any of the listed tag pairs, and the listed ids.
public struct ProtectedResources: Sendable, Hashable {
    /// A resource carrying any of these tag pairs is protected.
    public var tags: [String: String]
    /// Instance, ENI, security group, trail ... ids.
    public var ids: Set<String>

    public init(tags: [String: String] = ["firebreak:protected": "true"], ids: Set<String> = []) {
        self.tags = tags
        self.ids = ids
    }

    /// The protecting tag pair, if the tags carry one.
    public func protectingTag(_ resourceTags: [String: String]) -> String? {
        for key in tags.keys.sorted() where resourceTags[key] == tags[key] { return "\(key)=\(tags[key]!)" }
        return nil
    }
}

/// The blast-radius limit: at most `maxDestructive` destructive steps per `windowSeconds`.
public struct BlastRadius: Sendable, Hashable {
    public var maxDestructive: Int
    public var windowSeconds: Int

    public init(maxDestructive: Int = 5, windowSeconds: Int = 600) {
        self.maxDestructive = maxDestructive
        self.windowSeconds = windowSeconds
    }
}

/// `config/playbooks.yaml`: the playbooks in file order and the settings that apply to all of them.
public struct PlaybookSet: Sendable, Hashable {
    public var playbooks: [Playbook]
    public var protected: ProtectedResources
    public var blastRadius: BlastRadius
    /// Actions with the same idempotency key within this window are one action (applied by the store).
    public var idempotencyWindowSeconds: Int
    /// Where the set was read from (for messages).
    public var source: String

    public init(playbooks: [Playbook], protected: ProtectedResources = ProtectedResources(),
                blastRadius: BlastRadius = BlastRadius(), idempotencyWindowSeconds: Int = 3600, source: String = "") {
        self.playbooks = playbooks
        self.protected = protected
        self.blastRadius = blastRadius
        self.idempotencyWindowSeconds = idempotencyWindowSeconds
        self.source = source
    }

    public func playbook(named name: String) -> Playbook? { playbooks.first { $0.name == name } }
}
