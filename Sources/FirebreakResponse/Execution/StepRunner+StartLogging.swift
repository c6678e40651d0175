import FirebreakAWS

extension StepRunner {
    /// `start-logging`: CloudTrail StartLogging on the payload's trail (`StartLoggingPayload`) or the resource.
    /// A dry run checks the trail with GetTrailStatus (CloudTrail has no DryRun) and does not start it.
    func startLogging(_ action: PlannedAction, dryRun: Bool) throws(AWSError) -> StepOutcome {
        guard let cloudTrail else { return .skipped("no CloudTrail client configured", dryRun: dryRun) }
        let trail = try action.decodePayload(StartLoggingPayload.self).trail ?? action.resourceID
        guard !trail.isEmpty else {
            throw AWSError(.invalidParameter, code: "InvalidPayload", message: "start-logging action \(action.id) names no trail")
        }
        if dryRun {
            if try cloudTrail.getTrailStatus(name: trail).isLogging {
                return .done("trail \(trail) is already logging", dryRun: true)
            }
            return .skipped("dry run: CloudTrail has no DryRun; StartLogging on \(trail) not sent", dryRun: true)
        }
        try cloudTrail.startLogging(name: trail)
        return .done("started logging on trail \(trail)")
    }
}
