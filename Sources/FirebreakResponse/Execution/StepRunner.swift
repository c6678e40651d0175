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

    public init(ec2: EC2Client, sns: SNSClient? = nil, cloudTrail: CloudTrailClient? = nil,
                resolver: ResourceResolver? = nil, alertTopicArn: String? = nil,
                quarantineGroupName: String = QuarantineGroup.defaultName) {
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

    /// Runs `action` in `mode`. `instance` is the action's instance when the caller has resolved it; when nil and
    /// the step needs one, it is resolved from `action.resourceID` (an instance id, or an `eni-` id) through the
    /// resolver, or a DescribeInstances call without one.
    public func run(_ action: PlannedAction, mode: ResponseMode, instance: ResolvedInstance?) throws(AWSError)
        -> StepOutcome {
        let kind = action.step.kind
        if mode == .observe, kind.changesAccount {
            return .skipped("observe mode: \(kind.rawValue) changes the account and is not run")
        }
        let dryRun = mode == .dryRun
        switch kind {
        case .alert:
            return try alert(action)
        case .startLogging:
            return try startLogging(action, dryRun: dryRun)
        case .revokeIngress:
            return try revokeIngress(action, dryRun: dryRun)
        case .tag, .snapshot, .protectEvidence, .isolate, .stop, .terminate:
            guard let target = try resolve(action, given: instance) else {
                if kind == .stop || kind == .terminate {
                    return .done("instance \(action.resourceID) no longer exists", dryRun: dryRun)
                }
                return .skipped("instance \(action.resourceID) not found", dryRun: dryRun)
            }
            defer { if !dryRun { resolver?.invalidate(target.instanceId) } }
            var calls = Calls(dryRun: dryRun)
            switch kind {
            case .tag: return try tag(action, target, &calls)
            case .snapshot: return try snapshot(action, target, &calls)
            case .protectEvidence: return try protectEvidence(target, &calls)
            case .isolate: return try isolate(action, target, &calls)
            case .stop: return try stop(target, &calls)
            default: return try terminate(action, target, &calls)
            }
        }
    }

    // MARK: Dry runs and request ids

    /// The calls of one step: whether they are dry runs, and the request ids that came back.
    struct Calls {
        let dryRun: Bool
        var requestIDs: [String] = []

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
    }

    /// Sends one EC2 call with `DryRun` set as the step's mode says. In a dry run, EC2's DryRunOperation is the
    /// success: its request id is noted and nil returned.
    private func send<T>(_ calls: inout Calls, _ body: (_ dryRun: Bool) throws(AWSError) -> T) throws(AWSError) -> T? {
        do {
            return try body(calls.dryRun)
        } catch where calls.dryRun && error.kind == .dryRunSucceeded {
            calls.note(error.requestID)
            return nil
        }
    }

    // MARK: Instance steps

    private func resolve(_ action: PlannedAction, given: ResolvedInstance?) throws(AWSError) -> ResolvedInstance? {
        if let given { return given }
        let id = action.resourceID
        if let resolver {
            return id.hasPrefix("eni-") ? try resolver.instance(forNetworkInterface: id) : try resolver.instance(id: id)
        }
        let temporary = ResourceResolver(ec2: ec2, ttl: .zero, capacity: 1)
        return id.hasPrefix("eni-") ? try temporary.instance(forNetworkInterface: id) : try temporary.instance(id: id)
    }

    /// `tag`: CreateTags on the instance; `key` and `value` options (default `firebreak:finding-id` =
    /// `{finding_id}`), with `{finding_id}`, `{rule_id}`, `{playbook}` and `{resource_id}` filled in.
    private func tag(_ action: PlannedAction, _ instance: ResolvedInstance, _ calls: inout Calls) throws(AWSError)
        -> StepOutcome {
        let key = Self.fill(action.step.options["key"] ?? Self.findingTagKey, from: action)
        let value = Self.fill(action.step.options["value"] ?? "{finding_id}", from: action)
        guard !key.isEmpty else { return calls.skipped("the tag step has an empty key") }
        if !calls.dryRun, instance.tags[key: key] == value {
            return calls.done("\(instance.instanceId) already tagged \(key)=\(value)")
        }
        _ = try send(&calls) { (dryRun) throws(AWSError) in
            try ec2.createTags(resourceIds: [instance.instanceId], tags: [EC2Tag(key: key, value: value)], dryRun: dryRun)
        }
        return calls.done("tagged \(instance.instanceId) \(key)=\(value)")
    }

    /// Fills `{finding_id}`, `{rule_id}`, `{playbook}` and `{resource_id}` from the action.
    static func fill(_ template: String, from action: PlannedAction) -> String {
        template.replacingOccurrences(of: "{finding_id}", with: action.findingID)
            .replacingOccurrences(of: "{rule_id}", with: action.ruleID)
            .replacingOccurrences(of: "{playbook}", with: action.playbook)
            .replacingOccurrences(of: "{resource_id}", with: action.resourceID)
    }

    /// `snapshot`: one CreateSnapshots for the whole instance (crash-consistent across its volumes, boot volume
    /// included), tagged with the finding and rule ids. Snapshots already tagged with this finding for every
    /// volume (a repeat after a crash) are reported instead of taken again.
    private func snapshot(_ action: PlannedAction, _ instance: ResolvedInstance, _ calls: inout Calls)
        throws(AWSError) -> StepOutcome {
        let volumeIds = instance.volumes.compactMap(\.volumeId)
        guard !volumeIds.isEmpty else { return calls.skipped("\(instance.instanceId) has no EBS volume") }
        guard !instance.isTerminatedOrGoing else {
            return calls.skipped("\(instance.instanceId) is \(instance.state.name): nothing left to snapshot")
        }
        if !calls.dryRun {
            let existing = try evidenceSnapshots(findingID: action.findingID, volumeIds: volumeIds)
            if Set(existing.map(\.volumeId)).isSuperset(of: volumeIds) {
                return calls.done("snapshots for finding \(action.findingID) already requested: "
                                  + existing.map(\.snapshotId).joined(separator: ", "),
                                  created: existing.map(\.snapshotId))
            }
        }
        let tags = [EC2Tag(key: Self.findingTagKey, value: action.findingID),
                    EC2Tag(key: Self.ruleTagKey, value: action.ruleID),
                    EC2Tag(key: "firebreak:instance-id", value: instance.instanceId)]
        let description = String("Firebreak evidence: finding \(action.findingID), rule \(action.ruleID), "
                                 + "instance \(instance.instanceId)".prefix(255))
        let snapshots = try send(&calls) { (dryRun) throws(AWSError) in
            try ec2.createSnapshots(instanceId: instance.instanceId, description: description, tags: tags,
                                    dryRun: dryRun)
        }
        let ids = (snapshots ?? []).map(\.snapshotId)
        return calls.done(calls.dryRun ? "CreateSnapshots of \(instance.instanceId)"
                          : "requested \(ids.count) snapshots of \(instance.instanceId): \(ids.joined(separator: ", "))",
                          created: ids)
    }

    /// Snapshots tagged `firebreak:finding-id=<findingID>` of these volumes (DescribeSnapshots, own snapshots).
    func evidenceSnapshots(findingID: String, volumeIds: [String]) throws(AWSError)
        -> [(snapshotId: String, volumeId: String)] {
        var request = EC2Client.request("DescribeSnapshots")
        request.add("Owner.1", "self")
        request.add("Filter.1.Name", "tag:\(Self.findingTagKey)")
        request.add("Filter.1.Value.1", findingID)
        request.add("Filter.2.Name", "volume-id")
        request.addList("Filter.2.Value", volumeIds)
        let root = try ec2.call(request)
        return root.items("snapshotSet").compactMap { item in
            guard let snapshot = item.string("snapshotId"), let volume = item.string("volumeId"),
                  item.string("status") != "error" else { return nil }
            return (snapshot, volume)
        }
    }

    /// `protect-evidence`: termination protection on, DeleteOnTermination=false on every volume, OS shutdown
    /// stops (not terminates) the instance. Three kinds of ModifyInstanceAttribute (one attribute per call).
    private func protectEvidence(_ instance: ResolvedInstance, _ calls: inout Calls) throws(AWSError) -> StepOutcome {
        guard !instance.isTerminatedOrGoing else {
            return calls.skipped("\(instance.instanceId) is \(instance.state.name): nothing left to protect")
        }
        let id = instance.instanceId
        _ = try send(&calls) { (dryRun) throws(AWSError) in
            try ec2.modifyInstanceAttribute(instanceId: id, .disableApiTermination(true), dryRun: dryRun)
        }
        var kept: [String] = []
        for volume in instance.volumes where volume.volumeId != nil {
            kept.append(volume.deviceName)
            if !calls.dryRun, volume.deleteOnTermination == false { continue }
            _ = try send(&calls) { (dryRun) throws(AWSError) in
                try ec2.modifyInstanceAttribute(instanceId: id, .deleteOnTermination(deviceName: volume.deviceName, false),
                                                dryRun: dryRun)
            }
        }
        _ = try send(&calls) { (dryRun) throws(AWSError) in
            try ec2.modifyInstanceAttribute(instanceId: id, .instanceInitiatedShutdownBehavior(.stop), dryRun: dryRun)
        }
        return calls.done("\(id): termination protection on, DeleteOnTermination=false on "
                          + (kept.isEmpty ? "no volume" : kept.joined(separator: ", ")) + ", shutdown behaviour stop")
    }

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
    private func isolate(_ action: PlannedAction, _ instance: ResolvedInstance, _ calls: inout Calls)
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
        let group = try quarantine.ensure(vpcId: vpcId, findingID: action.findingID, dryRun: calls.dryRun)
        for requestID in group.requestIDs { calls.note(requestID) }
        let interfaces = instance.networkInterfaces.map(\.networkInterfaceId)
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
        return calls.done("moved \(moved.joined(separator: ", ")) of \(instance.instanceId) to \(quarantine.name) "
                          + "\(groupId)" + (group.created ? " (created)" : ""), created: created)
    }

    /// `stop`: StopInstances; an instance already stopping, stopped or gone is done.
    private func stop(_ instance: ResolvedInstance, _ calls: inout Calls) throws(AWSError) -> StepOutcome {
        let id = instance.instanceId
        if instance.isStoppedOrGoing { return calls.done("\(id) already \(instance.state.name)") }
        do {
            let changes = try send(&calls) { (dryRun) throws(AWSError) in
                try ec2.stopInstances(ids: [id], dryRun: dryRun)
            }
            let state = changes?.first { $0.instanceId == id }?.currentState.name
            return calls.done("stopped \(id)" + (state.map { " (\($0))" } ?? ""))
        } catch where Self.isGone(error) {
            calls.note(error.requestID)
            return calls.done("\(id) already stopped or gone (\(error.code ?? error.kind.rawValue))")
        }
    }

    /// `terminate`: TerminateInstances; an instance already shutting down, terminated or gone is done. With
    /// `{"requireSnapshot": true}` (`TerminatePayload`), refused in enforce mode until a snapshot tagged with the
    /// finding exists. Termination protection (`OperationNotPermitted`, e.g. set by `protect-evidence`) is a
    /// skip with the reason: the runner never lifts a protection.
    private func terminate(_ action: PlannedAction, _ instance: ResolvedInstance, _ calls: inout Calls)
        throws(AWSError) -> StepOutcome {
        let id = instance.instanceId
        if instance.isTerminatedOrGoing { return calls.done("\(id) already \(instance.state.name)") }
        let payload = try action.decodePayload(TerminatePayload.self)
        if payload.requireSnapshot == true, !calls.dryRun {
            let volumeIds = instance.volumes.compactMap(\.volumeId)
            if !volumeIds.isEmpty, try evidenceSnapshots(findingID: action.findingID, volumeIds: volumeIds).isEmpty {
                return calls.skipped("evidence before containment: no snapshot of \(id) tagged "
                                     + "\(Self.findingTagKey)=\(action.findingID); not terminated")
            }
        }
        do {
            let changes = try send(&calls) { (dryRun) throws(AWSError) in
                try ec2.terminateInstances(ids: [id], dryRun: dryRun)
            }
            let state = changes?.first { $0.instanceId == id }?.currentState.name
            return calls.done("terminated \(id)" + (state.map { " (\($0))" } ?? ""))
        } catch where Self.isGone(error) {
            calls.note(error.requestID)
            return calls.done("\(id) already terminated or gone (\(error.code ?? error.kind.rawValue))")
        } catch where error.code == "OperationNotPermitted" {
            calls.note(error.requestID)
            return calls.skipped("\(id) has termination protection on (OperationNotPermitted): not terminated")
        }
    }

    /// The instance does not exist any more, or is in a state where stopping/terminating it has no meaning.
    static func isGone(_ error: AWSError) -> Bool {
        error.kind == .notFound || error.code == "IncorrectInstanceState" || error.code == "InvalidInstanceID.NotFound"
    }

    // MARK: Account steps

    /// `revoke-ingress`: RevokeSecurityGroupIngress with exactly the payload's permissions
    /// (`RevokeIngressPayload`). Permissions already gone (`InvalidPermission.NotFound`, or all of them reported
    /// unknown) and a group that no longer exists are done.
    private func revokeIngress(_ action: PlannedAction, dryRun: Bool) throws(AWSError) -> StepOutcome {
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

    /// `start-logging`: CloudTrail StartLogging on the payload's trail (`StartLoggingPayload`) or the resource.
    /// A dry run checks the trail with GetTrailStatus (CloudTrail has no DryRun) and does not start it.
    private func startLogging(_ action: PlannedAction, dryRun: Bool) throws(AWSError) -> StepOutcome {
        guard let cloudTrail else { return .skipped("no CloudTrail client configured", dryRun: dryRun) }
        let trail = try action.decodePayload(StartLoggingPayload.self).trail ?? action.resourceID
        guard !trail.isEmpty else {
            throw AWSError(.invalidParameter, code: "InvalidPayload", message: "start-logging action \(action.id) names no trail")
        }
        if dryRun {
            if try cloudTrail.getTrailStatus(name: trail).isLogging {
                return .done("trail \(trail) is already logging", dryRun: true)
            }
            return .skipped("dry run: CloudTrail has no DryRun; StartLogging on \(trail) not sent", dryRun: true)
        }
        try cloudTrail.startLogging(name: trail)
        return .done("started logging on trail \(trail)")
    }

    /// `alert`: SNS Publish to `alertTopicArn` (`AlertPayload`): readable text, then the finding as JSON; message
    /// attributes `level`, `rule_id` and `finding_id` (String) for subscription filter policies. Sent in every
    /// mode: an alert changes nothing in the account.
    private func alert(_ action: PlannedAction) throws(AWSError) -> StepOutcome {
        guard let alertTopicArn, !alertTopicArn.isEmpty else { return .skipped("no alerts.sns_topic_arn configured") }
        guard let sns else { return .skipped("no SNS client configured") }
        let payload = try action.decodePayload(AlertPayload.self)
        let level = payload.level ?? action.step.options["level"] ?? "unknown"
        let ruleId = payload.ruleId ?? action.ruleID
        let subject = Self.snsSubject(payload.subject ?? action.step.options["subject"].map { Self.fill($0, from: action) }
                                      ?? "Firebreak \(level) finding: \(ruleId)")
        let message = Self.alertText(action, payload: payload, level: level, ruleId: ruleId)
        let attributes: [String: SNSMessageAttribute] = ["level": .string(level), "rule_id": .string(ruleId),
                                                         "finding_id": .string(action.findingID)]
        let messageId = try sns.publish(topicArn: alertTopicArn, subject: subject, message: message,
                                        attributes: attributes)
        return .done("published to \(alertTopicArn) as message \(messageId)", createdIDs: [messageId])
    }

    /// The alert text: the payload's message, the facts, then the finding JSON (cut to fit SNS's limit).
    static func alertText(_ action: PlannedAction, payload: AlertPayload, level: String, ruleId: String) -> String {
        var text = payload.message.map { $0.isEmpty ? "" : $0 + "\n\n" } ?? ""
        text += """
            Firebreak finding \(action.findingID)
            Rule: \(ruleId)
            Level: \(level)
            Resource: \(action.resourceType) \(action.resourceID)
            Playbook: \(action.playbook)
            """
        if let finding = payload.finding {
            var json = finding.jsonText
            let room = SNSClient.maxMessageBytes - 4096 - text.utf8.count
            if json.utf8.count > room {
                json = String(decoding: json.utf8.prefix(max(0, room)), as: UTF8.self) + " …(truncated)"
            }
            text += "\n\nFinding:\n" + json
        }
        return text
    }

    /// A subject SNS accepts: printable ASCII, no line break, not starting with a space, at most 100 characters.
    static func snsSubject(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\t" {
                scalars.append(" ")
            } else if scalar.value >= 0x20, scalar.value < 0x7F {
                scalars.append(scalar)
            } else {
                scalars.append("?")
            }
        }
        let cleaned = String(scalars).trimmingCharacters(in: .whitespaces)
        return cleaned.isEmpty ? "Firebreak finding" : String(cleaned.prefix(SNSClient.maxSubjectLength))
    }
}
