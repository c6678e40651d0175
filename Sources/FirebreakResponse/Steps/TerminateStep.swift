import FirebreakAWS
import FirebreakDetection

/// `terminate`: TerminateInstances. Idempotent by nature: an instance already shutting down, terminated or gone is
/// done. Termination protection (`OperationNotPermitted`, e.g. set by `protect-evidence`) is a skip with the
/// reason: the runner never lifts a protection.
enum TerminateStep: ResponseStep {
    /// `requireSnapshot` is set when the playbook has a `snapshot` step before this one. In `enforce` mode the
    /// runner then refuses (skips) the terminate unless a snapshot tagged `firebreak:finding-id=<finding>` exists
    /// for the instance's volumes: evidence before containment, even if the outbox ordering were broken.
    struct Payload: Codable, Sendable, Hashable {
        var requireSnapshot: Bool?
    }

    static let kind = StepKind.terminate
    static let allowedOptions: Set<String> = []
    static let actsOnInstance = true

    static func target(of finding: Finding) -> StepTarget { instanceTarget(finding) }

    static func payload(_ plan: StepPlan) -> Payload {
        Payload(requireSnapshot: plan.isPreceded(by: .snapshot) ? true : nil)
    }

    static func run(_ action: PlannedAction, _ payload: Payload, _ run: inout StepRun) throws(AWSError) -> StepOutcome {
        guard let instance = run.instance else { return run.skipped("instance \(action.resourceID) was not resolved") }
        let id = instance.instanceId
        if instance.isTerminatedOrGoing { return run.done("\(id) already \(instance.state.name)") }
        if payload.requireSnapshot == true, !run.dryRun {
            let volumeIds = instance.volumes.compactMap(\.volumeId)
            if !volumeIds.isEmpty,
               try SnapshotStep.evidence(findingID: action.findingID, volumeIds: volumeIds, ec2: run.ec2).isEmpty {
                return run.skipped("evidence before containment: no snapshot of \(id) tagged "
                                   + "\(StepRunner.findingTagKey)=\(action.findingID); not terminated")
            }
        }
        let ec2 = run.ec2
        do {
            return try run.changeState(of: id, "terminated") { (dryRun) throws(AWSError) in
                try ec2.terminateInstances(ids: [id], dryRun: dryRun)
            }
        } catch where error.code == "OperationNotPermitted" {
            run.note(error.requestID)
            return run.skipped("\(id) has termination protection on (OperationNotPermitted): not terminated")
        }
    }
}
