import FirebreakAWS
import FirebreakDetection

/// `isolate`: every network interface of the instance moved to one security group alone: the step's
/// `security_group` option, else the VPC's quarantine group (`QuarantineGroup`, created when missing).
/// Idempotent: interfaces already in that group alone are left as they are.
///
/// Tracked connections: a security group change does not cut connections EC2 already tracks; they keep
/// flowing until idle (TCP established: up to 5 days by default). AWS's incident-response guidance cuts
/// them in two steps: first a group allowing all traffic from and to 0.0.0.0/0 (which makes connections
/// untracked), then the isolation group (untracked flows are then dropped at once). That first step opens
/// the instance to the whole internet for a moment, and a failure between the two calls would leave it wide
/// open — against "safe by default". This step takes the single move to a group with no rules, which
/// stops every new connection at once and every untracked one; tracked connections end when they go idle. Where
/// that matters, pair `isolate` with `stop` (which ends every connection), or lower the interfaces'
/// connection-tracking timeouts ahead of time (ModifyNetworkInterfaceAttribute ConnectionTrackingSpecification).
enum IsolateStep: ResponseStep {
    struct Payload: Codable, Sendable, Hashable {
        var securityGroup: String?
    }

    static let kind = StepKind.isolate
    static let allowedOptions: Set<String> = ["security_group"]
    static let actsOnInstance = true
    static let changesInterfaces = true

    static func target(of finding: Finding) -> StepTarget { instanceTarget(finding) }

    static func payload(_ plan: StepPlan) -> Payload {
        Payload(securityGroup: plan.step.options["security_group"])
    }

    static func run(_ action: PlannedAction, _ payload: Payload, _ run: inout StepRun) throws(AWSError) -> StepOutcome {
        guard let instance = run.instance else { return run.skipped("instance \(action.resourceID) was not resolved") }
        let ec2 = run.ec2
        let quarantine = run.runner.quarantine
        guard !instance.isTerminatedOrGoing else {
            return run.done("\(instance.instanceId) is \(instance.state.name): no traffic to isolate")
        }
        guard let vpcId = instance.vpcId ?? instance.networkInterfaces.first?.vpcId else {
            return run.skipped("\(instance.instanceId) is in no VPC: cannot isolate with a VPC security group")
        }
        guard !instance.networkInterfaces.isEmpty else {
            return run.skipped("\(instance.instanceId) has no network interface")
        }
        let interfaces = instance.networkInterfaces.map(\.networkInterfaceId)
        let chosen = payload.securityGroup.flatMap { $0.isEmpty ? nil : $0 }
        let group: QuarantineGroup.Result
        if let chosen {
            group = QuarantineGroup.Result(groupId: chosen, created: false, requestIDs: [])
        } else {
            group = try quarantine.ensure(vpcId: vpcId, findingID: action.findingID, dryRun: run.dryRun)
        }
        for requestID in group.requestIDs { run.note(requestID) }
        guard let groupId = group.groupId else {
            // Dry run and no group yet: CreateSecurityGroup was dry-run; the move cannot be without a group id.
            return run.done("create \(quarantine.name) in \(vpcId), then move \(interfaces.joined(separator: ", "))")
        }
        var moved: [String] = []
        for interface in instance.networkInterfaces where run.dryRun || interface.groupIds != [groupId] {
            _ = try run.send { (dryRun) throws(AWSError) in
                try ec2.modifyNetworkInterfaceAttribute(networkInterfaceId: interface.networkInterfaceId,
                                                        groups: [groupId], dryRun: dryRun)
            }
            moved.append(interface.networkInterfaceId)
        }
        let created = group.created ? [groupId] : []
        if moved.isEmpty {
            return run.done("\(instance.instanceId) already isolated in \(groupId)", created: created)
        }
        return run.done("moved \(moved.joined(separator: ", ")) of \(instance.instanceId) to "
                        + "\(chosen == nil ? quarantine.name : "security group") \(groupId)" + (group.created ? " (created)" : ""),
                        created: created)
    }
}
