import FirebreakAWS
import FirebreakDetection

/// `snapshot`: one CreateSnapshots for the whole instance (crash-consistent across its volumes, boot volume
/// included), tagged at creation with the finding, rule, instance and action ids. Before creating, snapshots
/// already tagged with this finding are looked up: a repeat after a crash reports them instead of taking more.
enum SnapshotStep: ResponseStep {
    /// `description` from the step's option (placeholders filled); `tags` added to the runner's evidence tags,
    /// which a payload tag cannot replace.
    struct Payload: Codable, Sendable, Hashable {
        var description: String?
        var tags: [String: String]?
    }

    static let kind = StepKind.snapshot
    static let allowedOptions: Set<String> = ["description"]
    static let actsOnInstance = true

    static func target(of finding: Finding) -> StepTarget { instanceTarget(finding) }

    static func payload(_ plan: StepPlan) -> Payload {
        Payload(description: plan.fill(plan.step.options["description"] ?? "Firebreak evidence for finding {finding_id} ({rule_title})"),
                tags: ["firebreak:finding": plan.finding.id, "firebreak:rule": plan.finding.ruleID,
                       "firebreak:playbook": plan.playbook.name])
    }

    static func run(_ action: PlannedAction, _ payload: Payload, _ run: inout StepRun) throws(AWSError) -> StepOutcome {
        guard let instance = run.instance else { return run.skipped("instance \(action.resourceID) was not resolved") }
        let ec2 = run.ec2
        let volumeIds = instance.volumes.compactMap(\.volumeId)
        guard !volumeIds.isEmpty else { return run.skipped("\(instance.instanceId) has no EBS volume") }
        guard !instance.isTerminatedOrGoing else {
            return run.skipped("\(instance.instanceId) is \(instance.state.name): nothing left to snapshot")
        }
        if !run.dryRun {
            let existing = try evidence(findingID: action.findingID, volumeIds: volumeIds, ec2: ec2)
            if Set(existing.map(\.volumeId)).isSuperset(of: volumeIds) {
                return run.done("snapshots for finding \(action.findingID) already requested: "
                                + existing.map(\.snapshotId).joined(separator: ", "),
                                created: existing.map(\.snapshotId))
            }
        }
        let evidenceTags = [EC2Tag(key: StepRunner.findingTagKey, value: action.findingID),
                            EC2Tag(key: StepRunner.ruleTagKey, value: action.ruleID),
                            EC2Tag(key: "firebreak:instance-id", value: instance.instanceId),
                            EC2Tag(key: StepRunner.actionTagKey, value: action.id)]
        let reserved = Set(evidenceTags.map(\.key))
        let extra = (payload.tags ?? [:]).filter { !reserved.contains($0.key) && !$0.key.hasPrefix("aws:") }
            .sorted { $0.key < $1.key }.map { EC2Tag(key: $0.key, value: $0.value) }
        let tags = evidenceTags + extra
        let text = payload.description.flatMap { $0.isEmpty ? nil : $0 }
            ?? "Firebreak evidence: finding \(action.findingID), rule \(action.ruleID), instance \(instance.instanceId)"
        let description = String(text.prefix(255))
        let snapshots = try run.send { (dryRun) throws(AWSError) in
            try ec2.createSnapshots(instanceId: instance.instanceId, description: description, tags: tags, dryRun: dryRun)
        }
        let ids = (snapshots ?? []).map(\.snapshotId)
        return run.done(run.dryRun ? "CreateSnapshots of \(instance.instanceId)"
                        : "requested \(ids.count) snapshots of \(instance.instanceId): \(ids.joined(separator: ", "))",
                        created: ids)
    }

    /// Snapshots tagged `firebreak:finding-id=<findingID>` of these volumes (DescribeSnapshots, own snapshots).
    static func evidence(findingID: String, volumeIds: [String], ec2: EC2Client) throws(AWSError)
        -> [(snapshotId: String, volumeId: String)] {
        var request = EC2Client.request("DescribeSnapshots")
        request.add("Owner.1", "self")
        request.add("Filter.1.Name", "tag:\(StepRunner.findingTagKey)")
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
}
