import FirebreakDetection

/// Which findings leave Firebreak for other systems, and where (`export.*`): planned into the outbox with the
/// finding's actions, so an export is committed before the delivery is acknowledged and retried until it lands.
public struct ExportPolicy: Sendable, Hashable {
    /// `export.min_level`: findings below it are not exported.
    public var minLevel: RuleLevel
    /// `export.securityhub.enabled`: import into Security Hub in the finding's account (`SecurityHubExport`).
    public var securityHub: Bool

    public init(minLevel: RuleLevel = .medium, securityHub: Bool = false) {
        self.minLevel = minLevel
        self.securityHub = securityHub
    }

    /// Nothing is exported.
    public static let none = ExportPolicy()

    /// The export steps a finding gets.
    func steps(for finding: Finding) -> [PlaybookStep] {
        guard finding.level >= minLevel else { return [] }
        return securityHub ? [PlaybookStep(.securityHub)] : []
    }

    /// The name the export actions carry instead of a playbook's (their own plan: they wait for no playbook step).
    public static let playbookName = "export"
}
