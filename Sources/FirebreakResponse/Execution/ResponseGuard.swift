import FirebreakTime

/// The executor's last check before it acts on a planned action: mode, protection (by tag and id), the
/// playbook's scope against the resource's real facts, and the blast-radius limit. Pure: no AWS calls.
public struct ResponseGuard: Sendable {
    public enum Decision: Sendable, Hashable {
        case proceed
        /// Do not act, and do not act later (record as `skipped` with the reason).
        case skip(String)
        /// Destructive step past the blast-radius limit: record as `held` (alert once); an operator may release it.
        case hold(String)
    }

    public var playbooks: PlaybookSet

    public init(playbooks: PlaybookSet) {
        self.playbooks = playbooks
    }

    /// - Parameters:
    ///   - action: the action about to run (pending, or running once the executor has claimed it).
    ///   - facts: the resource as described just now (tags included).
    ///   - recentDestructiveCount: destructive steps started within the blast-radius window (this one excluded).
    ///   - mode: the current response mode.
    public func evaluate(action: PlannedAction, facts: ResourceFacts, recentDestructiveCount: Int,
                         mode: ResponseMode) -> Decision {
        guard action.state == .pending || action.state == .running else {
            return .skip(action.reason ?? "action is \(action.state.rawValue)")
        }
        let kind = action.step.kind
        if let reason = knownNow(kind, ids: facts.ids + [action.resourceID], mode: mode) { return .skip(reason) }
        if kind.changesAccount {
            if let tag = playbooks.protected.protectingTag(facts.tags) {
                return .skip("protected resource \(action.resourceID) (tag \(tag)): not changed")
            }
            for (id, tags) in facts.relatedTags.sorted(by: { $0.key < $1.key }) {
                if let tag = playbooks.protected.protectingTag(tags) {
                    return .skip("protected resource \(id) (tag \(tag)): \(kind.rawValue) of \(action.resourceID) not carried out")
                }
            }
            // Nothing left to snapshot, protect or isolate on a terminated instance. A terminate or stop proceeds:
            // the runner records it done without a call, which after a crash between TerminateInstances and its
            // answer is the truth (and the blast radius counts it).
            if Self.instanceSteps.contains(kind), kind != .terminate, kind != .stop,
               let state = facts.state, state == "terminated" || state == "shutting-down" {
                return .skip("instance \(facts.instanceID ?? action.resourceID) is already \(state)")
            }
        }
        if let playbook = playbooks.playbook(named: action.playbook) {
            if case .outOfScope(let why) = playbook.scope.evaluate(facts, tagsKnown: true, strict: true) {
                return .skip("out of scope of playbook \(playbook.name): \(why)")
            }
        } else if kind.changesAccount {
            // Planned under playbooks since reloaded without it: its scope cannot be checked, so do not act.
            return .skip("playbook \(action.playbook) is no longer configured")
        }
        for name in action.unlessClaimedBy {
            if let claimant = playbooks.playbook(named: name), claimant.scope.evaluate(facts, tagsKnown: true, strict: true) == .inScope {
                return .skip("claimed by playbook \(name)")
            }
        }
        if kind.isDestructive {
            let limit = playbooks.blastRadius
            if recentDestructiveCount >= limit.maxDestructive {
                return .hold("blast radius: \(recentDestructiveCount) destructive steps in the last "
                             + "\(DurationText.format(limit.windowSeconds)) (limit \(limit.maxDestructive)); "
                             + "\(kind.rawValue) of \(action.resourceID) held")
            }
        }
        return .proceed
    }

    /// Why a step will not run, from what is known without AWS: observe mode, or an id in `protected.ids`. The
    /// planner marks such actions skipped when it plans them; `evaluate` asks again right before acting.
    func knownNow(_ kind: StepKind, ids: [String], mode: ResponseMode) -> String? {
        guard kind.changesAccount else { return nil }
        if let id = Set(ids).sorted().first(where: { playbooks.protected.ids.contains($0) }) {
            return "protected resource \(id) (listed in protected.ids): not changed"
        }
        if mode == .observe { return kind.observeReason }
        return nil
    }

    static let instanceSteps: Set<StepKind> = [.snapshot, .protectEvidence, .isolate, .stop, .terminate]
}
