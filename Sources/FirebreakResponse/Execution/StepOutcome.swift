/// What running one planned action came to. Failures are thrown (`AWSError`), so the executor can retry what
/// is retryable; an outcome is either `done` (the account is as the step wants it, possibly already was) or
/// `skipped` (the step was deliberately not carried out, with the reason in `message`).
public struct StepOutcome: Sendable, Hashable, CustomStringConvertible {
    public enum Status: String, Sendable, Hashable {
        case done
        case skipped
    }

    public var status: Status
    /// What happened, readable: "created snap-1, snap-2 of 3 volumes", "dry run: would have succeeded", ...
    public var message: String
    /// AWS request ids of the calls whose answer reached the runner with one (dry-run answers, errors treated as
    /// done, SNS). The typed EC2 calls do not return the request id of a success, so this may be empty.
    public var requestIDs: [String]
    /// Ids of what the step created: snapshot ids, a quarantine group id, an SNS message id.
    public var createdIDs: [String]
    /// The step ran in dry-run mode: nothing was changed.
    public var dryRun: Bool

    public init(status: Status, message: String, requestIDs: [String] = [], createdIDs: [String] = [],
                dryRun: Bool = false) {
        self.status = status
        self.message = message
        self.requestIDs = requestIDs
        self.createdIDs = createdIDs
        self.dryRun = dryRun
    }

    public static func done(_ message: String, requestIDs: [String] = [], createdIDs: [String] = [],
                            dryRun: Bool = false) -> StepOutcome {
        StepOutcome(status: .done, message: message, requestIDs: requestIDs, createdIDs: createdIDs, dryRun: dryRun)
    }

    public static func skipped(_ message: String, requestIDs: [String] = [], dryRun: Bool = false) -> StepOutcome {
        StepOutcome(status: .skipped, message: message, requestIDs: requestIDs, dryRun: dryRun)
    }

    public var description: String { "\(status.rawValue): \(message)" }
}
