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
