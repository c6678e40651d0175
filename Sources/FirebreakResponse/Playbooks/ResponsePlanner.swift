import FirebreakAWS
import FirebreakDetection
import FirebreakLogs
import Foundation

/// Turns a finding into planned actions, before Firehose is acknowledged: pure, no network.
///
/// Matching: every non-fallback playbook whose `match` holds and whose `scope` is not contradicted by what
/// the finding itself says (account, region, VPC, subnet, instance) contributes its steps, in file order;
/// actions with the same idempotency key are planned once (the first wins). Fallback playbooks run only
/// when no other playbook claims the finding. Scope conditions the finding cannot settle (resource tags,
/// the instance behind an ENI) are checked again by `ResponseGuard` just before acting; when every
/// claiming playbook depends on such a condition, the fallback's steps are planned too, marked
/// `unlessClaimedBy` those playbooks, so that exactly one side runs.
///
/// Resources, payloads and idempotency keys come from each step's declaration (`Steps/`, `StepRegistry`):
/// instance steps act on the instance or its ENI, `revoke-ingress` on the security group, `start-logging` on the
/// trail, `alert` and `tag` on the finding's resource. The key is `step|resourceType|resourceID`, with the
/// exceptions each step states. Fallback actions planned `unlessClaimedBy` get the suffix `|unclaimed`. The action id is
/// `Finding.stableID(key, bucket)` where bucket is the finding's event time divided by the idempotency
/// window: the same finding redelivered plans the same ids, and the store dedups keys within the window.
public struct ResponsePlanner: Sendable {
    public var playbooks: PlaybookSet
    public var mode: ResponseMode
    /// False when `alerts.sns_topic_arn` is not set: an alert step without its own `topic` is planned skipped (the
    /// executor would skip it anyway, one store write per alert).
    public var alertTopicConfigured: Bool
    /// Exports planned for every finding at or above its level, whatever the playbooks say (`export.*`).
    public var export: ExportPolicy

    public init(playbooks: PlaybookSet, mode: ResponseMode, alertTopicConfigured: Bool = true, export: ExportPolicy = .none) {
        self.playbooks = playbooks
        self.mode = mode
        self.alertTopicConfigured = alertTopicConfigured
        self.export = export
    }

    /// The actions for `finding`.
    public func plan(_ finding: Finding) -> [PlannedAction] {
        var finding = finding
        finding.resolveResource()   // read by every step's target, key and payload: derived once
        let facts = Self.facts(of: finding)
        var claimants: [(Playbook, PlaybookScope.Verdict)] = []
        for playbook in playbooks.playbooks where !playbook.fallback && playbook.match.matches(finding) {
            let verdict = playbook.scope.evaluate(facts, tagsKnown: false, strict: false)
            if case .outOfScope = verdict { continue }
            claimants.append((playbook, verdict))
        }
        var drafts: [PlannedAction] = []
        for (playbook, _) in claimants {
            drafts += playbook.steps.map { action($0, playbook: playbook, finding: finding, unlessClaimedBy: []) }
        }
        let definite = claimants.contains { if case .inScope = $0.1 { return true } else { return false } }
        if !definite {
            let conditional = claimants.map(\.0.name)
            for playbook in playbooks.playbooks where playbook.fallback && playbook.match.matches(finding) {
                if case .outOfScope = playbook.scope.evaluate(facts, tagsKnown: false, strict: false) { continue }
                drafts += playbook.steps.map {
                    action($0, playbook: playbook, finding: finding, unlessClaimedBy: conditional)
                }
            }
        }
        var seen = Set<String>()
        drafts = drafts.filter { seen.insert($0.idempotencyKey).inserted }
        drafts = Self.evidenceFirst(drafts)
        // Exports are their own plan (they wait for no playbook step), after the playbooks' actions.
        let exporter = Playbook(name: ExportPolicy.playbookName, match: PlaybookMatch(), steps: [])
        drafts += export.steps(for: finding).map { action($0, playbook: exporter, finding: finding, unlessClaimedBy: []) }
        let bucket = finding.timeMillis / Int64(max(playbooks.idempotencyWindowSeconds, 1) * 1000)
        return drafts.enumerated().map { index, draft in
            var action = draft
            action.sequence = index
            action.id = Finding.stableID(draft.idempotencyKey, String(bucket))
            return action
        }
    }

    // MARK: Facts and targets

    /// What the finding itself says about its resource (no tags: those need EC2).
    public static func facts(of finding: Finding) -> ResourceFacts {
        let resource = finding.resource
        var facts = ResourceFacts(instanceID: resource.instanceID, interfaceID: resource.interfaceID,
                                  securityGroupIDs: resource.securityGroupID.map { [$0] } ?? [],
                                  accountID: resource.accountID, region: resource.region, vpcID: resource.vpcID)
        if case .flow(let record)? = finding.event?.event { facts.subnetID = record.subnetID }
        return facts
    }

    // MARK: Actions

    /// One step for one finding: its declaration (`StepRegistry`) gives the target, the key and the payload; the
    /// planner marks what is known now not to run (no target, a protected id, observe mode).
    func action(_ step: PlaybookStep, playbook: Playbook, finding: Finding, unlessClaimedBy: [String]) -> PlannedAction {
        let kind = step.kind
        let plan = StepPlan(step: step, finding: finding, playbook: playbook, mode: mode,
                            protectedIDs: playbooks.protected.ids)
        let draft = StepRegistry.step(kind).draft(plan, unlessClaimedBy: unlessClaimedBy)
        var state = ActionState.pending
        var reason = draft.target.problem
        if reason == nil {
            let resource = finding.resource
            let ids = [draft.target.id, resource.id, resource.instanceID, resource.interfaceID, resource.securityGroupID]
            reason = ResponseGuard(playbooks: playbooks).knownNow(kind, ids: ids.compactMap { $0 }, mode: mode)
        }
        if reason == nil && kind == .alert && !AlertStep.hasTopic(step, defaultTopic: alertTopicConfigured) {
            reason = ActionExecutor.noAlertTopic
        }
        if reason != nil { state = .skipped }
        return PlannedAction(id: "", findingID: finding.id, ruleID: finding.ruleID, playbook: playbook.name, sequence: 0,
                             step: step, resourceType: draft.target.type, resourceID: draft.target.id,
                             idempotencyKey: draft.idempotencyKey, state: state, reason: reason, payload: draft.payload)
    }

    // MARK: Ordering

    /// Evidence before containment: a snapshot or protect-evidence of a resource placed after a stop or
    /// terminate of the same resource (by another playbook) is moved to just before it.
    static func evidenceFirst(_ actions: [PlannedAction]) -> [PlannedAction] {
        var result: [PlannedAction] = []
        for action in actions {
            let evidence = action.step.kind == .snapshot || action.step.kind == .protectEvidence
            if evidence, let index = result.firstIndex(where: {
                ($0.step.kind == .stop || $0.step.kind == .terminate) && $0.resourceID == action.resourceID
            }) {
                result.insert(action, at: index)
            } else {
                result.append(action)
            }
        }
        return result
    }
}
