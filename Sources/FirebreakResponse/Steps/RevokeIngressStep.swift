import FirebreakAWS
import FirebreakDetection
import FirebreakLogs

/// `revoke-ingress`: RevokeSecurityGroupIngress with exactly the permissions an AuthorizeSecurityGroupIngress event
/// added (`Payload`). Idempotent by nature: permissions already gone (`InvalidPermission.NotFound`, or all of them
/// reported unknown) and a group that no longer exists are done. The idempotency key carries the CloudTrail event
/// id, so a second opening of the same group is revoked too.
enum RevokeIngressStep: ResponseStep {
    static let kind = StepKind.revokeIngress
    static let allowedOptions: Set<String> = []

    static func target(of finding: Finding) -> StepTarget {
        guard let group = finding.resource.securityGroupID else {
            return StepTarget(finding, problem: "the finding names no security group")
        }
        guard case .cloudTrail(let record)? = finding.event?.event, record.eventName == "AuthorizeSecurityGroupIngress" else {
            return StepTarget(type: "security-group", id: group,
                              problem: "the finding carries no AuthorizeSecurityGroupIngress request to undo")
        }
        return StepTarget(type: "security-group", id: group, keySuffix: record.eventID.map { "event=\($0)" })
    }

    static func payload(_ plan: StepPlan) -> Payload {
        let target = target(of: plan.finding)
        guard target.problem == nil, case .cloudTrail(let record)? = plan.finding.event?.event else {
            return Payload(groupId: nil, permissions: [])
        }
        let ruleIDs = record.values(at: "responseElements.securityGroupRuleSet.items.securityGroupRuleId").compactMap(\.stringValue)
        return Payload(groupId: target.id, permissions: IngressPermissions.added(by: record).map(Payload.Permission.init),
                       securityGroupRuleIds: ruleIDs.isEmpty ? nil : ruleIDs, eventId: record.eventID)
    }

    static func run(_ action: PlannedAction, _ payload: Payload, _ run: inout StepRun) throws(AWSError) -> StepOutcome {
        let ec2 = run.ec2
        guard let groupId = payload.groupId ?? (action.resourceID.hasPrefix("sg-") ? action.resourceID : nil) else {
            throw AWSError(.invalidParameter, code: "InvalidPayload",
                           message: "revoke-ingress action \(action.id) names no security group")
        }
        let permissions = payload.permissions.map(\.ec2Permission)
        guard !permissions.isEmpty else { return run.skipped("no permission to revoke from \(groupId)") }
        let described = permissions.map(IngressPermissions.describe).joined(separator: "; ")
        do {
            let unknown = try run.send { (dryRun) throws(AWSError) in
                try ec2.revokeSecurityGroupIngress(groupId: groupId, permissions: permissions, dryRun: dryRun)
            }
            if let unknown, !unknown.isEmpty {
                let note = "not present: " + unknown.map(IngressPermissions.describe).joined(separator: "; ")
                return run.done(unknown.count >= permissions.count ? "\(groupId): already revoked (\(note))"
                                : "revoked from \(groupId): \(described) (\(note))")
            }
            return run.done("revoked from \(groupId): \(described)")
        } catch where error.code == "InvalidPermission.NotFound" {
            run.note(error.requestID)
            return run.done("\(groupId): already revoked (\(described))")
        } catch where error.code == "InvalidGroup.NotFound" {
            run.note(error.requestID)
            return run.done("\(groupId) no longer exists")
        }
    }
}
