/// Rows one pruning pass (or one batch of it) removed, by table.
public struct PruneCount: Sendable, Hashable {
    public var findings = 0
    public var actions = 0
    public var deliveries = 0

    public init(findings: Int = 0, actions: Int = 0, deliveries: Int = 0) {
        self.findings = findings
        self.actions = actions
        self.deliveries = deliveries
    }

    public var rows: Int { findings + actions + deliveries }

    public static func + (a: PruneCount, b: PruneCount) -> PruneCount {
        PruneCount(findings: a.findings + b.findings, actions: a.actions + b.actions, deliveries: a.deliveries + b.deliveries)
    }

    public static func += (a: inout PruneCount, b: PruneCount) { a = a + b }
}
