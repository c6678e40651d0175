/// Why rows were pruned: past their retention (`age`), or to keep the store under `store.max_bytes` (`size`).
public enum PruneReason: String, Sendable, Hashable, CaseIterable {
    case age, size
}
