/// Sigma's `level`, ordered from least to most severe.
public enum RuleLevel: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case informational, low, medium, high, critical

    public static func < (lhs: RuleLevel, rhs: RuleLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
