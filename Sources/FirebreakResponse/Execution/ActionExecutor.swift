import FirebreakAWS
import Foundation
import Synchronization

/// Carries out the outbox: claims pending actions in plan order, checks each against the resource as
/// it is now (scope, protection, blast radius), runs it through the AWS clients, and records the
/// outcome. Runs on its own threads, so a slow AWS endpoint never stalls ingestion; resumes what a
/// crash interrupted (every step is safe to repeat).
public final class ActionExecutor: Sendable {
    /// How many times an action is tried before it is recorded as failed (retryable errors only).
    public static let maxAttempts = 8

    let store: any StateStore
    /// The runner of each account and region acted in; `runners.home` sends alerts.
    let runners: AccountRunners
    var runner: StepRunner { runners.home }
    let responseGuard: ResponseGuard
    let mode: ResponseMode
    let pollInterval: Duration
    /// How long a claimed action is this executor's; past it another executor may take it over.
    let lease: TimeInterval
    private let running = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let counters = Mutex<Counters>(Counters())
    /// Store operations that failed since start: claims, outbox updates (finish, retry, release), blast-radius reservations.
    private let failedStoreOperations = Atomic<Int>(0)
    /// When the last blast-radius alert went out: one per window.
    private let lastHoldAlert = Mutex<Date?>(nil)
    /// When summary alerts (`SummaryAlerts`) were last looked for; at most once per `summaryInterval`.
    private let lastSummaryCheck = Mutex<Date?>(nil)
    static let summaryInterval: TimeInterval = 30
    /// Why an alert with neither its own `topic` nor `alerts.sns_topic_arn` is skipped (by the planner or here).
    static let noAlertTopic = "no alerts.sns_topic_arn configured"

    /// Outcomes since start, for `/metrics`.
    public struct Counters: Sendable {
        public var byOutcome: [String: Int] = [:]
        public var firstCallMillis: [Double] = []
    }

    /// One account and region: every action runs on `runner` (its `resolver` describes resources).
    public convenience init(store: any StateStore, runner: StepRunner, playbooks: PlaybookSet, mode: ResponseMode,
                            pollInterval: Duration = .milliseconds(500), lease: TimeInterval = 300) {
        self.init(store: store, runners: AccountRunners(home: runner), playbooks: playbooks, mode: mode,
                  pollInterval: pollInterval, lease: lease)
    }

    public init(store: any StateStore, runners: AccountRunners, playbooks: PlaybookSet, mode: ResponseMode,
                pollInterval: Duration = .milliseconds(500), lease: TimeInterval = 300) {
        self.lease = lease
        self.store = store
        self.runners = runners
        self.responseGuard = ResponseGuard(playbooks: playbooks)
        self.mode = mode
        self.pollInterval = pollInterval
    }

    public var counts: Counters { counters.withLock { $0 } }

    /// Store operations of the executor that failed since start (`firebreak_store_errors_total`).
    public var storeErrors: Int { failedStoreOperations.load(ordering: .relaxed) }

    func countStoreError() {
        failedStoreOperations.add(1, ordering: .relaxed)
    }

    /// Starts the worker thread; resumes actions a crash left `running`.
    public func start() throws(StoreError) {
        try store.resumeInterrupted(now: Date())
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            while running.load(ordering: .acquiring) {
                let worked = (try? runOnce()) ?? 0
                if worked == 0 {
                    _ = wake.wait(timeout: .now() + .milliseconds(Int(pollInterval.components.seconds * 1000
                                                                   + pollInterval.components.attoseconds / 1_000_000_000_000_000)))
                }
            }
            stopped.signal()
        }
        thread.name = "firebreak.executor"
        thread.start()
    }

    /// Asks the worker to look at the outbox now (after a commit).
    public func nudge() { wake.signal() }

    /// Stops after the action in hand; waits up to `timeout`.
    public func stop(timeout: Duration = .seconds(10)) {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        _ = stopped.wait(timeout: .now() + .seconds(Int(max(1, timeout.components.seconds))))
    }

    /// Claims and carries out what is ready now; returns how many actions were handled.
    @discardableResult
    public func runOnce(limit: Int = 16) throws(StoreError) -> Int {
        do {
            return try runRound(limit: limit)
        } catch {
            countStoreError()
            throw error
        }
    }

    private func runRound(limit: Int) throws(StoreError) -> Int {
        planSummariesIfDue(now: Date())
        var batch = try store.claim(limit: limit, now: Date(), lease: lease)
        // Security Hub exports go together (up to 100 per call per account and region).
        let exports = batch.filter { $0.action.step.kind == .securityHub }
        if !exports.isEmpty {
            batch.removeAll { $0.action.step.kind == .securityHub }
            do {
                try exportToSecurityHub(exports)
            } catch {
                release((exports + batch).map(\.action.id))
                throw error
            }
        }
        for (index, record) in batch.enumerated() {
            do {
                try handle(record)
            } catch {
                // A store error: give back what this round claimed and did not finish (the failing action
                // included: its step is safe to repeat), so nothing stays `running` until a restart.
                release(batch[index...].map(\.action.id))
                throw error
            }
        }
        return batch.count + exports.count
    }

    /// Gives claimed actions back after a store error; a release that fails too is counted (the leases expire).
    private func release(_ actionIDs: [String]) {
        do {
            try store.release(actionIDs: actionIDs, now: Date())
        } catch {
            countStoreError()
        }
    }

    private func handle(_ record: ActionRecord) throws(StoreError) {
        let action = record.action
        let now = Date()
        // Decided without asking AWS: observe mode never changes the account, and an alert needs a topic.
        if mode == .observe && action.step.kind.changesAccount {
            return try finish(record, .skipped, reason: action.step.kind.observeReason)
        }
        if action.step.kind == .alert && !AlertStep.hasTopic(action.step, defaultTopic: runners.home.alertTopicArn != nil) {
            return try finish(record, .skipped, reason: Self.noAlertTopic)
        }
        // Where the resource is: the finding's account and region. A step acts there, but alerts and events are sent
        // from home (their topic and bus are the service's); the resource is described where it is in every case.
        let place = action.place
        let choice: AccountRunners.Choice
        do throws(AWSError) {
            choice = try runners.runner(account: place.account, region: place.region)
        } catch {
            return try retryOrFail(record, error: error)
        }
        let local: StepRunner
        switch choice {
        case .runner(let chosen): local = chosen
        case .unavailable(let reason):
            guard action.step.kind.actsAtHome else {
                count("foreign_account")
                return try finish(record, .skipped, reason: reason)
            }
            local = runners.home
        }
        let runner = action.step.kind.actsAtHome ? runners.home : local
        // What the resource is now: instance steps resolve the instance (by id, or by ENI for v2 records).
        var facts = ResourceFacts()
        var instance: ResolvedInstance?
        do {
            (facts, instance) = try resolveFacts(action, runner: local)
        } catch {
            // An alert still goes out when the resource cannot be described (no read access, say); a step
            // that changes the account never acts on a resource it could not check.
            guard action.step.kind == .alert, !error.isRetryable else { return try retryOrFail(record, error: error) }
        }
        let limit = responseGuard.playbooks.blastRadius
        let window = TimeInterval(limit.windowSeconds)
        var decision = responseGuard.evaluate(action: action, facts: facts, recentDestructiveCount: 0, mode: mode)
        // A destructive step takes its place in the blast radius before it runs (across every task on a shared
        // store); a full window holds it.
        let reserves = decision == .proceed && action.step.kind.isDestructive
        if reserves, let taken = try store.reserveDestructive(actionID: action.id, limit: limit.maxDestructive,
                                                              window: window, now: now) {
            decision = responseGuard.evaluate(action: action, facts: facts, recentDestructiveCount: taken, mode: mode)
        }
        switch decision {
        case .skip(let reason):
            try finish(record, .skipped, reason: reason)
        case .hold(let reason):
            try finish(record, .held, reason: reason)
            alertHold(record.action, reason: reason, window: window)
        case .proceed:
            let context = action.step.kind.changesAccount ? AlertContext() : try alertContext(action, facts: facts)
            let outcome: StepOutcome
            do throws(AWSError) {
                outcome = try runner.run(action, mode: mode, instance: instance, context: context)
            } catch {
                if reserves && !(error.isRetryable && record.attempts < Self.maxAttempts) {
                    try store.releaseDestructive(actionID: action.id, window: window, now: Date())
                }
                return try retryOrFail(record, error: error)
            }
            if reserves && outcome.status != .done {
                try store.releaseDestructive(actionID: action.id, window: window, now: Date())
            }
            let millis = now.timeIntervalSince(record.createdAt) * 1000
            counters.withLock { c in
                c.firstCallMillis.append(millis)
                if c.firstCallMillis.count > 1000 { c.firstCallMillis.removeFirst() }
            }
            try finish(record, outcome.status == .done ? .done : .skipped, reason: outcome.message, requestIDs: outcome.requestIDs,
                       createdIDs: outcome.createdIDs)
        }
    }

    /// Plans the summary alerts whose windows have closed, at most once per `summaryInterval`; a store error leaves
    /// them for the next time.
    func planSummariesIfDue(now: Date) {
        let due = lastSummaryCheck.withLock { last -> Bool in
            guard last.map({ now.timeIntervalSince($0) >= Self.summaryInterval }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return }
        do {
            _ = try SummaryAlerts.plan(in: store, now: now)
        } catch {
            countStoreError()
        }
    }

    /// The blast-radius limit held a step: say so once per window, through the alert topic.
    private func alertHold(_ held: PlannedAction, reason: String, window: TimeInterval) {
        let now = Date()
        let due = lastHoldAlert.withLock { last -> Bool in
            guard last.map({ now.timeIntervalSince($0) >= window }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return }
        let payload = AlertPayload(
            subject: "Firebreak blast-radius limit reached: destructive steps held",
            message: "The blast-radius limit held \(held.step.kind.rawValue) on \(held.resourceType) \(held.resourceID) "
                + "(finding \(held.findingID), rule \(held.ruleID)): \(reason). Further destructive steps in this window "
                + "are held too and recorded in the store; this alert is sent once per window.",
            level: "high", ruleId: "firebreak-blast-radius")
        let alert = PlannedAction(id: "blast-radius-\(Int(now.timeIntervalSince1970))", findingID: held.findingID,
                                  ruleID: "firebreak-blast-radius", playbook: "blast-radius", sequence: 0,
                                  step: PlaybookStep(.alert), resourceType: held.resourceType, resourceID: held.resourceID,
                                  idempotencyKey: "alert|blast-radius",
                                  payload: ActionPayload(step: payload, unlessClaimedBy: nil).jsonText)
        _ = try? runner.run(alert, mode: mode, instance: nil)
    }

    /// The instance, account and region of an alert's resource, and the earlier steps of its plan as stored.
    func alertContext(_ action: PlannedAction, facts: ResourceFacts) throws(StoreError) -> AlertContext {
        let stored = try store.finding(id: action.findingID)
        let earlier = (stored?.1 ?? []).filter { $0.playbook == action.playbook && $0.sequence < action.sequence }
            .sorted { $0.sequence < $1.sequence }
        return AlertContext(instanceID: facts.instanceID, accountID: facts.accountID, region: facts.region, steps: earlier,
                            findingJSON: stored?.0.json, finding: stored?.0,
                            ownAccountID: action.step.kind == .securityHub ? runners.ownAccount() : nil)
    }

    private func resolveFacts(_ action: PlannedAction, runner: StepRunner) throws(AWSError) -> (ResourceFacts, ResolvedInstance?) {
        var facts = ResourceFacts()
        switch action.resourceType {
        case "instance", "network-interface":
            guard let resolver = runner.resolver else { return (facts, nil) }
            let resolved = action.resourceType == "instance"
                ? try resolver.instance(id: action.resourceID)
                : try resolver.instance(forNetworkInterface: action.resourceID)
            if action.resourceType == "network-interface" { facts.interfaceID = action.resourceID }
            // The interfaces the step changes (isolate moves all of them) or was planned on are described too, so
            // that a `firebreak:protected` tag on an interface is seen.
            if action.step.kind.changesAccount {
                var interfaces = Set(action.resourceType == "network-interface" ? [action.resourceID] : [])
                if let resolved, StepRegistry.step(action.step.kind).changesInterfaces {
                    interfaces.formUnion(resolved.networkInterfaces.map(\.networkInterfaceId))
                }
                try describeInterfaces(interfaces.sorted(), runner: runner, into: &facts)
            }
            guard let resolved else { return (facts, nil) }
            facts.instanceID = resolved.instanceId
            facts.vpcID = resolved.vpcId
            facts.subnetID = resolved.subnetId
            facts.accountID = resolved.accountId
            facts.region = resolved.region
            facts.state = resolved.state.name
            facts.securityGroupIDs = Array(Set(resolved.networkInterfaces.flatMap(\.groupIds))).sorted()
            for tag in resolved.tags { facts.tags[tag.key] = tag.value }
            return (facts, resolved)
        case "security-group":
            facts.securityGroupIDs = [action.resourceID]
            // Described right before acting, so that a `firebreak:protected` tag on the group is seen. A group
            // that is gone has nothing to protect (the step finds it gone too).
            do {
                if let group = try runner.ec2.describeSecurityGroups(ids: [action.resourceID]).first {
                    facts.vpcID = group.vpcId
                    facts.accountID = group.ownerId
                    for tag in group.tags { facts.tags[tag.key] = tag.value }
                }
            } catch where error.kind == .notFound || error.code == "InvalidGroup.NotFound" {
                return (facts, nil)
            }
            return (facts, nil)
        case "trail":
            // A trail's tags (CloudTrail ListTags by its ARN), so that `firebreak:protected` on a trail is seen.
            guard action.step.kind.changesAccount, let cloudTrail = runner.cloudTrail else { return (facts, nil) }
            do {
                facts.tags = try cloudTrail.tags(trailARN: try cloudTrail.trailARN(name: action.resourceID))
            } catch where error.kind == .notFound || error.code == "TrailNotFoundException" {
                return (facts, nil)
            }
            return (facts, nil)
        default:
            return (facts, nil)
        }
    }

    /// Tags of network interfaces into `facts.relatedTags`; an interface that is gone has nothing to protect.
    private func describeInterfaces(_ ids: [String], runner: StepRunner, into facts: inout ResourceFacts) throws(AWSError) {
        guard !ids.isEmpty else { return }
        let found: [EC2NetworkInterface]
        do {
            found = try runner.ec2.describeNetworkInterfaces(ids: ids)
        } catch where error.kind == .notFound || error.code == "InvalidNetworkInterfaceID.NotFound" {
            return
        }
        for interface in found {
            var tags: [String: String] = [:]
            for tag in interface.tags { tags[tag.key] = tag.value }
            facts.relatedTags[interface.networkInterfaceId] = tags
        }
    }

    func retryOrFail(_ record: ActionRecord, error: AWSError) throws(StoreError) {
        if error.isRetryable && record.attempts < Self.maxAttempts {
            // Exponential backoff between executor attempts: 1 s, 2 s, 4 s ... capped at 60 s.
            let delay = min(60, pow(2, Double(max(0, record.attempts - 1))))
            try store.retryLater(actionID: record.action.id, error: error.description,
                                 notBefore: Date().addingTimeInterval(delay),
                                 awsRequestIDs: error.requestID.map { [$0] } ?? [], now: Date())
            count("retry")
        } else {
            try finish(record, .failed, reason: nil, error: error.description, requestIDs: error.requestID.map { [$0] } ?? [])
        }
    }

    func finish(_ record: ActionRecord, _ state: ActionState, reason: String?, error: String? = nil,
                        requestIDs: [String] = [], createdIDs: [String] = []) throws(StoreError) {
        try store.finish(actionID: record.action.id, state: state, reason: reason, error: error, awsRequestIDs: requestIDs,
                         createdIDs: createdIDs, now: Date())
        count(state.rawValue)
    }

    func count(_ outcome: String) {
        counters.withLock { $0.byOutcome[outcome, default: 0] += 1 }
    }
}
