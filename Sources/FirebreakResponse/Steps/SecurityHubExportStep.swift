import FirebreakAWS
import FirebreakDetection
import Foundation

/// The Security Hub export of one finding (`export.securityhub.enabled`, planned by `ExportPolicy`, never by a
/// playbook): BatchImportFindings of the finding as ASFF (`ASFFFinding`), as the finding's account, in the finding's
/// region (`AccountRunners`: an assumed role in a member account). The ASFF `Id` is the finding's, so a repeat updates.
///
/// The executor imports the exports it claims together, up to 100 per call per account and region
/// (`ActionExecutor.exportToSecurityHub`); `run` imports one. While the finding's dedup window is open the export
/// comes back when it closes (plus `SummaryAlerts.grace`) and imports the final count, updating the finding in place.
enum SecurityHubExportStep: ResponseStep {
    typealias Payload = NoPayload

    static let kind = StepKind.securityHub
    static let allowedOptions: Set<String> = []

    static func target(of finding: Finding) -> StepTarget { StepTarget(finding) }

    /// One export per finding (its count is updated by the same action).
    static func idempotencyKey(_ target: StepTarget, finding: Finding) -> String { "securityhub|" + finding.id }

    static func payload(_ plan: StepPlan) -> Payload { NoPayload() }

    static func run(_ action: PlannedAction, _ payload: Payload, _ run: inout StepRun) throws(AWSError) -> StepOutcome {
        guard let securityHub = run.runner.securityHub else { return .skipped("no Security Hub client configured") }
        guard let finding = run.context.finding else {
            return .skipped("finding \(action.findingID) is no longer in the store")
        }
        let asff = try render(finding, place: action.place, ownAccount: run.context.ownAccountID,
                              region: securityHub.client.region, now: Date())
        let result = try securityHub.batchImportFindings([asff.json])
        if let failure = result.failures.first { throw error(failure) }
        return .done(imported(asff, count: finding.count))
    }

    /// The finding as ASFF, imported as its account (its place's, else the service's own).
    static func render(_ finding: StoredFinding, place: ActionPlace, ownAccount: String?, region: String,
                       now: Date) throws(AWSError) -> ASFFFinding {
        guard let own = place.account ?? ownAccount else {
            throw AWSError(.invalidParameter, code: "UnknownAccount",
                           message: "finding \(finding.id) names no account and the service's own is unknown: set aws.account_id")
        }
        do {
            return try ASFFFinding(finding, context: ASFFFinding.Context(ownAccountID: ownAccount ?? own, region: region,
                                                                        nowMillis: Int64(now.timeIntervalSince1970 * 1000)))
        } catch {
            throw AWSError(.invalidParameter, code: "InvalidFinding", message: "finding \(finding.id) cannot be exported: \(error)")
        }
    }

    static func imported(_ asff: ASFFFinding, count: Int) -> String {
        "imported into Security Hub as \(asff.id) in account \(asff.awsAccountID) (count \(count))"
    }

    /// A finding Security Hub did not import: retried when the cause may pass (throttling, an internal error).
    static func error(_ failure: SecurityHubImportFailure) -> AWSError {
        let code = failure.errorCode
        let passing = code.contains("Throttl") || code.contains("Internal") || code.contains("LimitExceeded")
        return AWSError(passing ? .throttled : .invalidParameter, code: code,
                        message: "Security Hub did not import \(failure.id): \(failure.errorMessage)")
    }
}
