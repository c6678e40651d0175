import FirebreakAWS

extension StepRunner {
    /// `isolate`: every network interface of the instance moved to the VPC's quarantine group alone.
    ///
    /// Tracked connections: a security group change does not cut connections EC2 already tracks; they keep
    /// flowing until idle (TCP established: up to 5 days by default). AWS's incident-response guidance cuts
    /// them in two steps: first a group allowing all traffic from and to 0.0.0.0/0 (which makes connections
    /// untracked), then the isolation group (untracked flows are then dropped at once). That first step opens
    /// the instance to the whole internet for a moment, and a failure between the two calls would leave it wide
    /// open — against "safe by default". This runner takes the single move to a group with no rules, which
    /// stops every new connection at once and every untracked one (all traffic that was allowed by
    /// all-protocol 0.0.0.0/0 rules in both directions); tracked connections end when they go idle. Where that
    /// matters, pair `isolate` with `stop` (which ends every connection), or lower the interfaces'
    /// connection-tracking timeouts ahead of time (ModifyNetworkInterfaceAttribute ConnectionTrackingSpecification).
    func isolate(_ action: PlannedAction, _ instance: ResolvedInstance, _ calls: inout Calls)
        throws(AWSError) -> StepOutcome {
        guard !instance.isTerminatedOrGoing else {
            return calls.done("\(instance.instanceId) is \(instance.state.name): no traffic to isolate")
        }
        guard let vpcId = instance.vpcId ?? instance.networkInterfaces.first?.vpcId else {
            return calls.skipped("\(instance.instanceId) is in no VPC: cannot isolate with a VPC security group")
        }
        guard !instance.networkInterfaces.isEmpty else {
            return calls.skipped("\(instance.instanceId) has no network interface")
        }
        let interfaces = instance.networkInterfaces.map(\.networkInterfaceId)
        // The step's own group (option `security_group`), else the VPC's quarantine group, created when missing.
        let chosen = try action.decodePayload(IsolatePayload.self).securityGroup.flatMap { $0.isEmpty ? nil : $0 }
        let group: QuarantineGroup.Result
        if let chosen {
            group = QuarantineGroup.Result(groupId: chosen, created: false, requestIDs: [])
        } else {
            group = try quarantine.ensure(vpcId: vpcId, findingID: action.findingID, dryRun: calls.dryRun)
        }
        for requestID in group.requestIDs { calls.note(requestID) }
        guard let groupId = group.groupId else {
            // Dry run and no group yet: CreateSecurityGroup was dry-run; the move cannot be without a group id.
            return calls.done("create \(quarantine.name) in \(vpcId), then move \(interfaces.joined(separator: ", "))")
        }
        var moved: [String] = []
        for interface in instance.networkInterfaces where calls.dryRun || interface.groupIds != [groupId] {
            _ = try send(&calls) { (dryRun) throws(AWSError) in
                try ec2.modifyNetworkInterfaceAttribute(networkInterfaceId: interface.networkInterfaceId,
                                                        groups: [groupId], dryRun: dryRun)
            }
            moved.append(interface.networkInterfaceId)
        }
        let created = group.created ? [groupId] : []
        if moved.isEmpty {
            return calls.done("\(instance.instanceId) already isolated in \(groupId)", created: created)
        }
        return calls.done("moved \(moved.joined(separator: ", ")) of \(instance.instanceId) to \(chosen == nil ? quarantine.name : "security group") "
                          + "\(groupId)" + (group.created ? " (created)" : ""), created: created)
    }

    /// `revoke-ingress`: RevokeSecurityGroupIngress with exactly the payload's permissions
    /// (`RevokeIngressPayload`). Permissions already gone (`InvalidPermission.NotFound`, or all of them reported
    /// unknown) and a group that no longer exists are done.
    func revokeIngress(_ action: PlannedAction, dryRun: Bool) throws(AWSError) -> StepOutcome {
        var calls = Calls(dryRun: dryRun)
        let payload = try action.decodePayload(RevokeIngressPayload.self)
        guard let groupId = payload.groupId ?? (action.resourceID.hasPrefix("sg-") ? action.resourceID : nil) else {
            throw AWSError(.invalidParameter, code: "InvalidPayload",
                           message: "revoke-ingress action \(action.id) names no security group")
        }
        // The planner writes permissions with `ipv4Ranges`/`ipv6Ranges` objects (ResponsePlanner.json); the
        // compact `RevokeIngressPayload` form (`ipRanges` strings) is read when that yields nothing.
        let planned = ResponsePlanner.ingressPermissions(payload: action.payload)
        let plannedForm = planned.contains {
            !$0.ipv4Ranges.isEmpty || !$0.ipv6Ranges.isEmpty || !$0.groupIds.isEmpty || !$0.prefixListIds.isEmpty
        }
        let permissions = plannedForm ? planned : payload.permissions.map(\.ec2Permission)
        guard !permissions.isEmpty else { return calls.skipped("no permission to revoke from \(groupId)") }
        let described = permissions.map(Self.describe).joined(separator: "; ")
        do {
            let unknown = try send(&calls) { (dryRun) throws(AWSError) in
                try ec2.revokeSecurityGroupIngress(groupId: groupId, permissions: permissions, dryRun: dryRun)
            }
            if let unknown, !unknown.isEmpty {
                let note = "not present: " + unknown.map(Self.describe).joined(separator: "; ")
                return calls.done(unknown.count >= permissions.count ? "\(groupId): already revoked (\(note))"
                                  : "revoked from \(groupId): \(described) (\(note))")
            }
            return calls.done("revoked from \(groupId): \(described)")
        } catch where error.code == "InvalidPermission.NotFound" {
            calls.note(error.requestID)
            return calls.done("\(groupId): already revoked (\(described))")
        } catch where error.code == "InvalidGroup.NotFound" {
            calls.note(error.requestID)
            return calls.done("\(groupId) no longer exists")
        }
    }

    /// `tcp 22 0.0.0.0/0,::/0`.
    static func describe(_ permission: EC2IpPermission) -> String {
        var text = permission.ipProtocol == "-1" ? "all" : permission.ipProtocol
        if let from = permission.fromPort {
            text += " " + (permission.toPort.map { $0 == from ? "\(from)" : "\(from)-\($0)" } ?? "\(from)")
        }
        let sources = permission.ipv4Ranges.map(\.cidr) + permission.ipv6Ranges.map(\.cidr) + permission.groupIds
            + permission.prefixListIds
        if !sources.isEmpty { text += " " + sources.joined(separator: ",") }
        return text
    }
}
