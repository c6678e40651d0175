/// `terminate`: `{"requireSnapshot": true}` when the plan has a `snapshot` step for the same instance. In
/// `enforce` mode the runner then refuses (skips) the terminate unless a snapshot tagged
/// `firebreak:finding-id=<finding>` exists for the instance's volumes: evidence before containment, even if the
/// outbox ordering were broken. The `snapshot` step tags with the finding id, so its own snapshots qualify.
public struct TerminatePayload: Codable, Sendable, Hashable {
    public var requireSnapshot: Bool?

    public init(requireSnapshot: Bool?) {
        self.requireSnapshot = requireSnapshot
    }
}
