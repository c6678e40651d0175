import FirebreakAWS
import FirebreakDetection

/// `protect-evidence`: termination protection on, DeleteOnTermination=false on every volume, OS shutdown stops (not
/// terminates) the instance. Three kinds of ModifyInstanceAttribute (one attribute per call), each a no-op when
/// repeated.
enum ProtectEvidenceStep: ResponseStep {
    typealias Payload = NoPayload

    static let kind = StepKind.protectEvidence
    static let allowedOptions: Set<String> = []
    static let actsOnInstance = true

    static func target(of finding: Finding) -> StepTarget { instanceTarget(finding) }
    static func payload(_ plan: StepPlan) -> Payload { Payload() }

    static func run(_ action: PlannedAction, _ payload: Payload, _ run: inout StepRun) throws(AWSError) -> StepOutcome {
        guard let instance = run.instance else { return run.skipped("instance \(action.resourceID) was not resolved") }
        guard !instance.isTerminatedOrGoing else {
            return run.skipped("\(instance.instanceId) is \(instance.state.name): nothing left to protect")
        }
        let id = instance.instanceId
        let ec2 = run.ec2
        _ = try run.send { (dryRun) throws(AWSError) in
            try ec2.modifyInstanceAttribute(instanceId: id, .disableApiTermination(true), dryRun: dryRun)
        }
        var kept: [String] = []
        for volume in instance.volumes where volume.volumeId != nil {
            kept.append(volume.deviceName)
            if !run.dryRun, volume.deleteOnTermination == false { continue }
            _ = try run.send { (dryRun) throws(AWSError) in
                try ec2.modifyInstanceAttribute(instanceId: id, .deleteOnTermination(deviceName: volume.deviceName, false),
                                                dryRun: dryRun)
            }
        }
        _ = try run.send { (dryRun) throws(AWSError) in
            try ec2.modifyInstanceAttribute(instanceId: id, .instanceInitiatedShutdownBehavior(.stop), dryRun: dryRun)
        }
        return run.done("\(id): termination protection on, DeleteOnTermination=false on "
                        + (kept.isEmpty ? "no volume" : kept.joined(separator: ", ")) + ", shutdown behaviour stop")
    }
}
