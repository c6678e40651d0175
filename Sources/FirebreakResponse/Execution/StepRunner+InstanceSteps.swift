import FirebreakAWS
import Foundation

extension StepRunner {
    /// `tag`: CreateTags on the instance; `key` and `value` options (default `firebreak:finding-id` =
    /// `{finding_id}`), with `{finding_id}`, `{rule_id}`, `{playbook}` and `{resource_id}` filled in.
    func tag(_ action: PlannedAction, _ instance: ResolvedInstance, _ calls: inout Calls) throws(AWSError)
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
    func snapshot(_ action: PlannedAction, _ instance: ResolvedInstance, _ calls: inout Calls)
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
        let payload = try action.decodePayload(SnapshotPayload.self)
        let evidence = [EC2Tag(key: Self.findingTagKey, value: action.findingID),
                        EC2Tag(key: Self.ruleTagKey, value: action.ruleID),
                        EC2Tag(key: "firebreak:instance-id", value: instance.instanceId),
                        EC2Tag(key: Self.actionTagKey, value: action.id)]
        let reserved = Set(evidence.map(\.key))
        let extra = (payload.tags ?? [:]).filter { !reserved.contains($0.key) && !$0.key.hasPrefix("aws:") }
            .sorted { $0.key < $1.key }.map { EC2Tag(key: $0.key, value: $0.value) }
        let tags = evidence + extra
        let text = payload.description.map { Self.fill($0, from: action) }.flatMap { $0.isEmpty ? nil : $0 }
            ?? "Firebreak evidence: finding \(action.findingID), rule \(action.ruleID), instance \(instance.instanceId)"
        let description = String(text.prefix(255))
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
    private func evidenceSnapshots(findingID: String, volumeIds: [String]) throws(AWSError)
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
    func protectEvidence(_ instance: ResolvedInstance, _ calls: inout Calls) throws(AWSError) -> StepOutcome {
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
    /// `stop`: StopInstances; an instance already stopping, stopped or gone is done.
    func stop(_ instance: ResolvedInstance, _ calls: inout Calls) throws(AWSError) -> StepOutcome {
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
    func terminate(_ action: PlannedAction, _ instance: ResolvedInstance, _ calls: inout Calls)
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
}
