/// The steps a playbook can take, in the words of `config/playbooks.yaml`.
public enum StepKind: String, Sendable, Hashable, CaseIterable {
    case tag
    case snapshot
    case protectEvidence = "protect-evidence"
    case isolate
    case stop
    case terminate
    case revokeIngress = "revoke-ingress"
    case startLogging = "start-logging"
    case alert

    /// Steps that change the account (everything but `alert`): skipped in `observe` mode.
    public var changesAccount: Bool { self != .alert }

    /// Steps the blast-radius limit counts: they take something away.
    public var isDestructive: Bool {
        switch self {
        case .isolate, .stop, .terminate, .revokeIngress: return true
        default: return false
        }
    }

    /// Why the step is skipped in `observe` mode.
    public var observeReason: String { "observe mode: \(rawValue) would change the account" }
}
