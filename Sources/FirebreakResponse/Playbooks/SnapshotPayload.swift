/// `snapshot`: `{"description": "...", "tags": {"key": "value"}}` as the planner writes it from the step's
/// `description` option; the runner adds its own evidence tags (`firebreak:finding-id`, `firebreak:rule-id`,
/// `firebreak:instance-id`, `firebreak:action-id`), which a payload tag cannot replace.
public struct SnapshotPayload: Codable, Sendable, Hashable {
    public var description: String?
    public var tags: [String: String]?

    public init(description: String? = nil, tags: [String: String]? = nil) {
        self.description = description
        self.tags = tags
    }
}
