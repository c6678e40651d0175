import FirebreakAWS
import Foundation

/// Carries out one planned action through the AWS clients: the AWS half of the response executor.
///
/// Modes (`ResponseMode`):
/// - `observe`: every step that changes the account is skipped; only `alert` runs.
/// - `dry-run`: every EC2 call is sent with `DryRun=true`; EC2's `DryRunOperation` answer becomes a `done`
///   outcome "dry run: would have succeeded" (`dryRun` set). Reads (Describe*) are sent as they are.
///   CloudTrail has no dry run: `start-logging` only checks the trail (GetTrailStatus). Alerts are sent.
/// - `enforce`: the account is changed.
///
/// Every step is idempotent, since the outbox may run an action again after a crash: what is already as the
/// step wants it (an instance already stopped or gone, a permission already revoked, an interface already in
/// quarantine, snapshots already taken for this finding) is `done` without a change. Failures are thrown as
/// `AWSError`, whose `isRetryable` tells the executor whether to try again; a malformed payload is
/// `.invalidParameter` (`InvalidPayload`).
///
/// Blocking (the AWS clients are); call it from the executor's own pool. Thread-safe.
public final class StepRunner: Sendable {
    public let ec2: EC2Client
    public let sns: SNSClient?
    public let cloudTrail: CloudTrailClient?
    /// Resolves an action's instance when `run` is not given one, and forgets an instance after changing it.
    public let resolver: ResourceResolver?
    /// `alerts.sns_topic_arn`; alerts are skipped without it.
    public let alertTopicArn: String?
    public let quarantine: QuarantineGroup
    /// Findings into Security Hub (the export); nil: exports are skipped.
    public let securityHub: SecurityHubClient?
    /// `event` steps; nil: they are skipped.
    public let eventBridge: EventBridgeClient?

    public init(ec2: EC2Client, sns: SNSClient? = nil, cloudTrail: CloudTrailClient? = nil,
                resolver: ResourceResolver? = nil, alertTopicArn: String? = nil,
                quarantineGroupName: String = QuarantineGroup.defaultName, securityHub: SecurityHubClient? = nil,
                eventBridge: EventBridgeClient? = nil) {
        self.securityHub = securityHub
        self.eventBridge = eventBridge
        self.ec2 = ec2
        self.sns = sns
        self.cloudTrail = cloudTrail
        self.resolver = resolver
        self.alertTopicArn = alertTopicArn
        quarantine = QuarantineGroup(ec2: ec2, name: quarantineGroupName)
    }

    /// Tag keys the runner writes on snapshots (and reads back for the `requireSnapshot` check of `terminate`).
    public static let findingTagKey = "firebreak:finding-id"
    public static let ruleTagKey = "firebreak:rule-id"
    public static let actionTagKey = "firebreak:action-id"

    /// Runs `action` in `mode` through its step's declaration (`StepRegistry`). `instance` is the action's instance
    /// when the caller has resolved it; when nil and the step needs one, it is resolved from `action.resourceID` (an
    /// instance id, or an `eni-` id) through the resolver, or a DescribeInstances call without one.
    public func run(_ action: PlannedAction, mode: ResponseMode, instance: ResolvedInstance?,
                    context: AlertContext = AlertContext()) throws(AWSError) -> StepOutcome {
        let kind = action.step.kind
        if mode == .observe, kind.changesAccount {
            return .skipped("observe mode: \(kind.rawValue) changes the account and is not run")
        }
        return try StepRegistry.step(kind).perform(action, runner: self, mode: mode, instance: instance, context: context)
    }

    /// `given`, else the instance `action.resourceID` names (an instance id or an `eni-` id), through the resolver or a
    /// one-off one.
    func resolve(_ action: PlannedAction, given: ResolvedInstance?) throws(AWSError) -> ResolvedInstance? {
        if let given { return given }
        let id = action.resourceID
        if let resolver {
            return id.hasPrefix("eni-") ? try resolver.instance(forNetworkInterface: id) : try resolver.instance(id: id)
        }
        let temporary = ResourceResolver(ec2: ec2, ttl: .zero, capacity: 1)
        return id.hasPrefix("eni-") ? try temporary.instance(forNetworkInterface: id) : try temporary.instance(id: id)
    }

    /// Message attributes by which a subscriber of a standard topic drops a repeated alert.
    public static let actionIDAttribute = "firebreak.action_id"
    public static let findingIDAttribute = "firebreak.finding_id"

    /// The instance does not exist any more, or is in a state where stopping/terminating it has no meaning.
    static func isGone(_ error: AWSError) -> Bool {
        error.kind == .notFound || error.code == "IncorrectInstanceState" || error.code == "InvalidInstanceID.NotFound"
    }
}
