/// How far Firebreak may go: `observe` (findings and alerts only, the default), `dry-run` (EC2 calls
/// sent with `DryRun=true` and their outcome recorded), `enforce` (the account is changed).
public enum ResponseMode: String, Sendable, Equatable, CaseIterable {
    case observe
    case dryRun = "dry-run"
    case enforce
}
