import FirebreakAWS
import FirebreakDetection

/// `stop`: StopInstances. Idempotent by nature: an instance already stopping, stopped or gone is done.
enum StopStep: ResponseStep {
    typealias Payload = NoPayload

    static let kind = StepKind.stop
    static let allowedOptions: Set<String> = []
    static let actsOnInstance = true

    static func target(of finding: Finding) -> StepTarget { instanceTarget(finding) }
    static func payload(_ plan: StepPlan) -> Payload { Payload() }

    static func run(_ action: PlannedAction, _ payload: Payload, _ run: inout StepRun) throws(AWSError) -> StepOutcome {
        guard let instance = run.instance else { return run.skipped("instance \(action.resourceID) was not resolved") }
        let id = instance.instanceId
        if instance.isStoppedOrGoing { return run.done("\(id) already \(instance.state.name)") }
        let ec2 = run.ec2
        return try run.changeState(of: id, "stopped") { (dryRun) throws(AWSError) in
            try ec2.stopInstances(ids: [id], dryRun: dryRun)
        }
    }
}
