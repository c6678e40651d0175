/// One step of a playbook with its options (e.g. `tag` → `key`/`value`, `alert` → `subject`).
public struct PlaybookStep: Sendable, Hashable {
    public var kind: StepKind
    public var options: [String: String]

    public init(_ kind: StepKind, options: [String: String] = [:]) {
        self.kind = kind
        self.options = options
    }
}
