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
