/// `config/playbooks.yaml`: the playbooks in file order and the settings that apply to all of them.
public struct PlaybookSet: Sendable, Hashable {
    public var playbooks: [Playbook]
    public var protected: ProtectedResources
    public var blastRadius: BlastRadius
    /// Actions with the same idempotency key within this window are one action (applied by the store).
    public var idempotencyWindowSeconds: Int
    /// Where the set was read from (for messages).
    public var source: String

    public init(playbooks: [Playbook], protected: ProtectedResources = ProtectedResources(),
                blastRadius: BlastRadius = BlastRadius(), idempotencyWindowSeconds: Int = 3600, source: String = "") {
        self.playbooks = playbooks
        self.protected = protected
        self.blastRadius = blastRadius
        self.idempotencyWindowSeconds = idempotencyWindowSeconds
        self.source = source
    }

    public func playbook(named name: String) -> Playbook? { playbooks.first { $0.name == name } }
}
