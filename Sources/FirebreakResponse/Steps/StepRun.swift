import FirebreakAWS

/// One run of a step: the runner's clients, whether the calls are dry runs, the instance (for steps that act on
/// one), what an alert tells besides the finding, and the AWS request ids the calls got back.
struct StepRun {
    let runner: StepRunner
    let dryRun: Bool
    /// Set by `ResponseStep.perform` for steps with `actsOnInstance` (a step that finds none skips, naming it).
    var instance: ResolvedInstance?
    var context: AlertContext
    var requestIDs: [String] = []

    init(runner: StepRunner, dryRun: Bool, instance: ResolvedInstance?, context: AlertContext) {
        self.runner = runner
        self.dryRun = dryRun
        self.instance = instance
        self.context = context
    }

    var ec2: EC2Client { runner.ec2 }

    mutating func note(_ requestID: String?) {
        if let requestID, !requestID.isEmpty { requestIDs.append(requestID) }
    }

    func done(_ message: String, created: [String] = []) -> StepOutcome {
        .done(dryRun ? "dry run: would have succeeded (\(message))" : message, requestIDs: requestIDs,
              createdIDs: created, dryRun: dryRun)
    }

    func skipped(_ message: String) -> StepOutcome {
        .skipped(message, requestIDs: requestIDs, dryRun: dryRun)
    }

    /// Sends one EC2 call with `DryRun` set as the run says. In a dry run, EC2's DryRunOperation is the success:
    /// its request id is noted and nil returned.
    mutating func send<T>(_ body: (_ dryRun: Bool) throws(AWSError) -> T) throws(AWSError) -> T? {
        do {
            return try body(dryRun)
        } catch where dryRun && error.kind == .dryRunSucceeded {
            note(error.requestID)
            return nil
        }
    }

    /// StopInstances or TerminateInstances of one instance (`call`): done with the state EC2 answers, or done when
    /// the instance is already in no state to change (`StepRunner.isGone`).
    mutating func changeState(of id: String, _ verb: String,
                              _ call: (_ dryRun: Bool) throws(AWSError) -> [EC2InstanceStateChange]) throws(AWSError)
        -> StepOutcome {
        do {
            let changes = try send(call)
            let state = changes?.first { $0.instanceId == id }?.currentState.name
            return done("\(verb) \(id)" + (state.map { " (\($0))" } ?? ""))
        } catch where StepRunner.isGone(error) {
            note(error.requestID)
            return done("\(id) already \(verb) or gone (\(error.code ?? error.kind.rawValue))")
        }
    }
}
