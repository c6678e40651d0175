import FirebreakAWS
import FirebreakDetection

/// `start-logging`: CloudTrail StartLogging on the trail a StopLogging event stopped. Idempotent by nature (a
/// logging trail stays logging). A dry run checks the trail with GetTrailStatus (CloudTrail has no DryRun) and does
/// not start it. A deleted trail cannot be started again: the action is planned skipped with that reason.
enum StartLoggingStep: ResponseStep {
    /// `trail`: name or ARN; when left out, the action's resource id is the trail.
    struct Payload: Codable, Sendable, Hashable {
        var trail: String?
        var region: String?
    }

    static let kind = StepKind.startLogging
    static let allowedOptions: Set<String> = []

    static func target(of finding: Finding) -> StepTarget {
        guard case .cloudTrail(let record)? = finding.event?.event, let trail = record.value(at: "requestParameters.name")?.stringValue else {
            return StepTarget(finding, problem: "the finding names no trail")
        }
        guard record.eventName == "StopLogging" else {
            return StepTarget(type: "trail", id: trail, problem: "\(record.eventName ?? "the event") cannot be undone by StartLogging")
        }
        return StepTarget(type: "trail", id: trail)
    }

    static func payload(_ plan: StepPlan) -> Payload {
        let target = target(of: plan.finding)
        guard target.problem == nil else { return Payload() }
        return Payload(trail: target.id, region: plan.finding.resource.region)
    }

    static func run(_ action: PlannedAction, _ payload: Payload, _ run: inout StepRun) throws(AWSError) -> StepOutcome {
        guard let cloudTrail = run.runner.cloudTrail else { return run.skipped("no CloudTrail client configured") }
        let trail = payload.trail ?? action.resourceID
        guard !trail.isEmpty else {
            throw AWSError(.invalidParameter, code: "InvalidPayload", message: "start-logging action \(action.id) names no trail")
        }
        if run.dryRun {
            if try cloudTrail.getTrailStatus(name: trail).isLogging {
                return .done("trail \(trail) is already logging", dryRun: true)
            }
            return .skipped("dry run: CloudTrail has no DryRun; StartLogging on \(trail) not sent", dryRun: true)
        }
        try cloudTrail.startLogging(name: trail)
        return run.done("started logging on trail \(trail)")
    }
}
