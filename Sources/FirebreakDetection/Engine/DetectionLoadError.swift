/// The first load found problems; the service does not start on a partial rule set.
public struct DetectionLoadError: Error, Sendable, CustomStringConvertible {
    public var problems: [RuleError]
    public var description: String {
        "the rules and lists did not load (\(problems.count) problem(s)):\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
