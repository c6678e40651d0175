/// Every step kind's declaration, one per `StepKind`: what the parser, the planner and the runner look up.
enum StepRegistry {
    static func step(_ kind: StepKind) -> any ResponseStep.Type {
        switch kind {
        case .tag: return TagStep.self
        case .snapshot: return SnapshotStep.self
        case .protectEvidence: return ProtectEvidenceStep.self
        case .isolate: return IsolateStep.self
        case .stop: return StopStep.self
        case .terminate: return TerminateStep.self
        case .revokeIngress: return RevokeIngressStep.self
        case .startLogging: return StartLoggingStep.self
        case .alert: return AlertStep.self
        case .event: return EventStep.self
        case .securityHub: return SecurityHubExportStep.self
        }
    }
}
