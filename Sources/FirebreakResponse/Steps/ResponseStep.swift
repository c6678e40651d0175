import FirebreakAWS
import FirebreakDetection

/// One kind of playbook step, declared as data (the Cloud Custodian way): the options it accepts, the resource it
/// acts on, the typed payload the planner stores for it and how the runner carries it out. `StepRegistry` holds one
/// per `StepKind`; protection, scope and the response mode are checked for every step alike, by `ResponseGuard`
/// right before acting (and marked at plan time by the planner).
protocol ResponseStep: Sendable {
    /// What the runner needs beyond the resource, stored as JSON with the action.
    associatedtype Payload: Codable & Sendable

    static var kind: StepKind { get }
    /// Options a playbook may give the step; any other is refused when playbooks load.
    static var allowedOptions: Set<String> { get }
    /// Options a playbook must give.
    static var requiredOptions: Set<String> { get }
    /// True when the step acts on an EC2 instance: the runner resolves it (from an instance or ENI id) first.
    static var actsOnInstance: Bool { get }
    /// True when the step changes the instance's network interfaces too: each is described and checked for
    /// protection before the step runs.
    static var changesInterfaces: Bool { get }

    /// Why an option's value cannot be used (nil when it can): the parser refuses the playbook with it.
    static func problem(option: String, value: String) -> String?
    /// The resource the step acts on for this finding, or why it cannot act.
    static func target(of finding: Finding) -> StepTarget
    /// Actions with the same key within the idempotency window are planned once.
    static func idempotencyKey(_ target: StepTarget, finding: Finding) -> String
    /// What of the step's options tells two of its actions on one resource apart (added to the key); nil for most.
    static func keyOption(_ step: PlaybookStep) -> String?
    /// The payload, from the step's options and the finding (pure, at plan time).
    static func payload(_ plan: StepPlan) -> Payload
    /// The stored JSON of a payload (`ActionPayload`: sorted keys, compact, with the finding's `place`). JSONEncoder
    /// unless the step writes it itself (an alert is planned for nearly every new finding, and sent from home).
    static func payloadText(_ payload: Payload, unlessClaimedBy: [String]?, place: ActionPlace) -> String
    /// Carries the step out. Idempotent: what is already as the step wants it is `done` without a change.
    static func run(_ action: PlannedAction, _ payload: Payload, _ run: inout StepRun) throws(AWSError) -> StepOutcome
}

extension ResponseStep {
    static var requiredOptions: Set<String> { [] }
    static var actsOnInstance: Bool { false }
    static var changesInterfaces: Bool { false }
    static func problem(option: String, value: String) -> String? { nil }
    static func keyOption(_ step: PlaybookStep) -> String? { nil }

    static func payloadText(_ payload: Payload, unlessClaimedBy: [String]?, place: ActionPlace) -> String {
        ActionPayload(step: payload, unlessClaimedBy: unlessClaimedBy, place: place).jsonText
    }

    /// `step|type|id`; steps that act more than once per resource and window add to it (`StepTarget.keySuffix`).
    static func idempotencyKey(_ target: StepTarget, finding: Finding) -> String {
        "\(kind.rawValue)|\(target.type)|\(target.id)" + (target.keySuffix.map { "|\($0)" } ?? "")
    }

    /// The target of a step that acts on an instance: the finding's instance, else its ENI (resolved when run).
    static func instanceTarget(_ finding: Finding) -> StepTarget {
        let resource = finding.resource
        if let instance = resource.instanceID { return StepTarget(type: "instance", id: instance) }
        if let eni = resource.interfaceID { return StepTarget(type: "network-interface", id: eni) }
        return StepTarget(finding, problem: "the finding names no instance or network interface")
    }

    /// The plan-time part of an action: target, idempotency key and the encoded payload.
    static func draft(_ plan: StepPlan, unlessClaimedBy: [String]) -> StepDraft {
        let target = target(of: plan.finding)
        let text = payloadText(payload(plan), unlessClaimedBy: unlessClaimedBy.isEmpty ? nil : unlessClaimedBy,
                               place: ActionPlace(plan.finding))
        var key = idempotencyKey(target, finding: plan.finding)
        if let option = keyOption(plan.step) { key += "|" + option }
        if !unlessClaimedBy.isEmpty { key += "|unclaimed" }
        return StepDraft(target: target, idempotencyKey: key, payload: text)
    }

    /// Decodes the action's payload and runs the step; resolves the instance first when the step needs one.
    static func perform(_ action: PlannedAction, runner: StepRunner, mode: ResponseMode, instance: ResolvedInstance?,
                        context: AlertContext) throws(AWSError) -> StepOutcome {
        let payload = try action.decodePayload(ActionPayload<Payload>.self).step
        var run = StepRun(runner: runner, dryRun: mode == .dryRun, instance: instance, context: context)
        if actsOnInstance {
            guard let resolved = try runner.resolve(action, given: instance) else {
                if kind == .stop || kind == .terminate {
                    return .done("instance \(action.resourceID) no longer exists", dryRun: run.dryRun)
                }
                return .skipped("instance \(action.resourceID) not found", dryRun: run.dryRun)
            }
            run.instance = resolved
            defer { if !run.dryRun { runner.resolver?.invalidate(resolved.instanceId) } }
            return try self.run(action, payload, &run)
        }
        return try self.run(action, payload, &run)
    }
}

/// What `ResponseStep.draft` gives the planner.
struct StepDraft: Sendable {
    var target: StepTarget
    var idempotencyKey: String
    var payload: String
}
