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
    /// `event`: the finding (OCSF) put on an EventBridge bus.
    case event
    /// Security Hub import of a finding (`export.securityhub.enabled`): planned by the export policy, not by playbooks.
    case securityHub = "securityhub"

    /// Steps that change the account (everything but the outputs: `alert`, `event`, the Security Hub export): skipped
    /// in `observe` mode.
    public var changesAccount: Bool { !(self == .alert || self == .event || self == .securityHub) }

    /// False for steps a playbook cannot name (the exports, configured under `export.*`).
    public var isPlaybookStep: Bool { self != .securityHub }

    /// Steps sent from the service's own account whatever the finding's account: an alert goes to its topic.
    public var actsAtHome: Bool { self == .alert || self == .event }

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
