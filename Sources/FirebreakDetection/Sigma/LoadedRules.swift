/// Rule documents read from files and folders, with every problem found on the way.
public struct LoadedRules: Sendable {
    public var rules: [SigmaRule] = []
    public var correlations: [CorrelationRule] = []
    public var problems: [RuleError] = []
    public var files: [String] = []

    public init() {}

    public mutating func merge(_ other: LoadedRules) {
        rules += other.rules
        correlations += other.correlations
        problems += other.problems
        files += other.files
    }
}
