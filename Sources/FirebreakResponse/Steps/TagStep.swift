import FirebreakAWS
import FirebreakDetection

/// `tag`: CreateTags on the finding's resource (an instance, interface, security group, network ACL, snapshot or
/// image), `key` = `value`, both options required, with `{finding_id}`, `{rule_id}`, `{rule_title}`, `{level}`,
/// `{playbook}` and `{resource_id}` filled in when planned. Idempotent by nature: the same tag again is no change.
enum TagStep: ResponseStep {
    /// Left out (a payload written by hand), the tag is `firebreak:finding-id` = the finding id.
    struct Payload: Codable, Sendable, Hashable {
        var key: String?
        var value: String?
    }

    static let kind = StepKind.tag
    static let allowedOptions: Set<String> = ["key", "value"]
    static let requiredOptions: Set<String> = ["key", "value"]
    static let taggableTypes: Set<String> = ["instance", "network-interface", "security-group", "network-acl", "snapshot", "image"]

    static func target(of finding: Finding) -> StepTarget {
        let target = StepTarget(finding)
        guard taggableTypes.contains(target.type) else {
            return StepTarget(finding, problem: "a \(target.type) cannot be tagged by this step")
        }
        return target
    }

    static func payload(_ plan: StepPlan) -> Payload {
        Payload(key: plan.option("key") ?? "", value: plan.option("value") ?? "")
    }

    static func run(_ action: PlannedAction, _ payload: Payload, _ run: inout StepRun) throws(AWSError) -> StepOutcome {
        let key = payload.key ?? StepRunner.findingTagKey
        let value = payload.value ?? action.findingID
        guard !key.isEmpty else { return run.skipped("the tag step has an empty key") }
        let id = action.resourceID
        let ec2 = run.ec2
        _ = try run.send { (dryRun) throws(AWSError) in
            try ec2.createTags(resourceIds: [id], tags: [EC2Tag(key: key, value: value)], dryRun: dryRun)
        }
        return run.done("tagged \(id) \(key)=\(value)")
    }
}
