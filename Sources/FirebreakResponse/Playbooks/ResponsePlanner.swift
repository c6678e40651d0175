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
/// Resources: instance steps act on `finding.resource.instanceID`, or on the ENI (`network-interface`)
/// when a flow record carries only that (the executor resolves the instance). `revoke-ingress` acts on the
/// security group, `start-logging` on the trail, `alert` and `tag` on the finding's resource.
///
/// Idempotency key: `step|resourceType|resourceID`, except `alert` (`alert|ruleID|resourceType|resourceID`:
/// one alert per rule and resource per window, not one per flow record, and not one for all rules) and
/// `revoke-ingress` (`…|event=<CloudTrail eventID>`: a second opening of the same group is revoked too).
/// Fallback actions planned `unlessClaimedBy` get the suffix `|unclaimed`. The action id is
/// `Finding.stableID(key, bucket)` where bucket is the finding's event time divided by the idempotency
/// window: the same finding redelivered plans the same ids, and the store dedups keys within the window.
public struct ResponsePlanner: Sendable {
    public var playbooks: PlaybookSet
    public var mode: ResponseMode

    public init(playbooks: PlaybookSet, mode: ResponseMode) {
        self.playbooks = playbooks
        self.mode = mode
    }

    public func plan(_ finding: Finding) -> [PlannedAction] {
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
                drafts += playbook.steps.map { action($0, playbook: playbook, finding: finding, unlessClaimedBy: conditional) }
            }
        }
        var seen = Set<String>()
        drafts = drafts.filter { seen.insert($0.idempotencyKey).inserted }
        drafts = Self.evidenceFirst(drafts)
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

    static let instanceSteps: Set<StepKind> = [.snapshot, .protectEvidence, .isolate, .stop, .terminate]
    static let ec2TaggableTypes: Set<String> = ["instance", "network-interface", "security-group", "network-acl", "snapshot", "image"]

    /// The resource a step acts on, or why it cannot act.
    func target(_ kind: StepKind, _ finding: Finding) -> (type: String, id: String, problem: String?) {
        let resource = finding.resource
        let findingTarget = (type: resource.type ?? "finding", id: resource.id ?? finding.id)
        switch kind {
        case .snapshot, .protectEvidence, .isolate, .stop, .terminate:
            if let instance = resource.instanceID { return ("instance", instance, nil) }
            if let eni = resource.interfaceID { return ("network-interface", eni, nil) }
            return (findingTarget.type, findingTarget.id, "the finding names no instance or network interface")
        case .tag:
            if Self.ec2TaggableTypes.contains(findingTarget.type) { return (findingTarget.type, findingTarget.id, nil) }
            return (findingTarget.type, findingTarget.id, "a \(findingTarget.type) cannot be tagged by this step")
        case .revokeIngress:
            guard let group = resource.securityGroupID else {
                return (findingTarget.type, findingTarget.id, "the finding names no security group")
            }
            guard case .cloudTrail(let record)? = finding.event?.event, record.eventName == "AuthorizeSecurityGroupIngress" else {
                return ("security-group", group, "the finding carries no AuthorizeSecurityGroupIngress request to undo")
            }
            return ("security-group", group, nil)
        case .startLogging:
            guard case .cloudTrail(let record)? = finding.event?.event, let trail = record.value(at: "requestParameters.name")?.stringValue else {
                return (findingTarget.type, findingTarget.id, "the finding names no trail")
            }
            guard record.eventName == "StopLogging" else {
                return ("trail", trail, "\(record.eventName ?? "the event") cannot be undone by StartLogging")
            }
            return ("trail", trail, nil)
        case .alert:
            return (findingTarget.type, findingTarget.id, nil)
        }
    }

    // MARK: Actions

    func action(_ step: PlaybookStep, playbook: Playbook, finding: Finding, unlessClaimedBy: [String]) -> PlannedAction {
        let kind = step.kind
        let target = target(kind, finding)
        var key = "\(kind.rawValue)|\(target.type)|\(target.id)"
        if kind == .alert { key = "alert|\(finding.ruleID)|\(target.type)|\(target.id)" }
        var payload = JSONObject()
        payload.append("findingId", .string(finding.id))
        payload.append("ruleId", .string(finding.ruleID))
        if !unlessClaimedBy.isEmpty {
            key += "|unclaimed"
            payload.append("unlessClaimedBy", .array(unlessClaimedBy.map { .string($0) }))
        }
        var state = ActionState.pending
        var reason: String?
        if let problem = target.problem {
            state = .skipped
            reason = problem
        } else if kind.changesAccount, let id = protectedID(finding, target.id) {
            state = .skipped
            reason = "protected resource \(id) (listed in protected.ids): not changed"
        } else if kind.changesAccount, mode == .observe {
            state = .skipped
            reason = Self.observeReason(kind)
        }
        switch kind {
        case .tag:
            payload.append("key", .string(substitute(step.options["key"] ?? "", finding, playbook)))
            payload.append("value", .string(substitute(step.options["value"] ?? "", finding, playbook)))
        case .snapshot:
            payload.append("description", .string(substitute(step.options["description"]
                ?? "Firebreak evidence for finding {finding_id} ({rule_title})", finding, playbook)))
            payload.append("tags", .object(JSONObject([("firebreak:finding", .string(finding.id)),
                                                       ("firebreak:rule", .string(finding.ruleID)),
                                                       ("firebreak:playbook", .string(playbook.name))])))
        case .isolate:
            if let group = step.options["security_group"] { payload.append("securityGroup", .string(group)) }
        case .revokeIngress:
            if case .cloudTrail(let record)? = finding.event?.event, target.problem == nil {
                payload.append("groupId", .string(target.id))
                payload.append("permissions", .array(Self.ingressPermissions(of: record).map(Self.json)))
                let ruleIDs = record.values(at: "responseElements.securityGroupRuleSet.items.securityGroupRuleId").compactMap(\.stringValue)
                if !ruleIDs.isEmpty { payload.append("securityGroupRuleIds", .array(ruleIDs.map { .string($0) })) }
                if let eventID = record.eventID {
                    payload.append("eventId", .string(eventID))
                    key += "|event=\(eventID)"
                }
            }
        case .startLogging:
            if target.problem == nil {
                payload.append("trail", .string(target.id))
                if let region = finding.resource.region { payload.append("region", .string(region)) }
            }
        case .alert:
            let subject = substitute(step.options["subject"] ?? "Firebreak {level}: {rule_title}", finding, playbook)
            payload.append("subject", .string(String(subject.prefix(100))))
            if let topic = step.options["topic"] { payload.append("topic", .string(topic)) }
            payload.append("message", .string(message(finding, playbook: playbook)))
            payload.append("level", .string(finding.level.rawValue))
            payload.append("finding", finding.jsonValue())
        case .terminate:
            // Evidence before containment, checked again by the runner: a plan that snapshots before it
            // terminates must find the snapshots when the terminate runs.
            if let position = playbook.steps.firstIndex(where: { $0 == step }),
               playbook.steps[..<position].contains(where: { $0.kind == .snapshot }) {
                payload.append("requireSnapshot", .bool(true))
            }
        case .protectEvidence, .stop:
            break
        }
        return PlannedAction(id: "", findingID: finding.id, ruleID: finding.ruleID, playbook: playbook.name, sequence: 0,
                             step: step, resourceType: target.type, resourceID: target.id, idempotencyKey: key,
                             state: state, reason: reason, payload: JSONValue.object(payload).serialized())
    }

    /// A protected id among the step's target and the ids the finding carries.
    func protectedID(_ finding: Finding, _ targetID: String) -> String? {
        let resource = finding.resource
        let ids = [targetID, resource.id, resource.instanceID, resource.interfaceID, resource.securityGroupID].compactMap { $0 }
        return ids.first { playbooks.protected.ids.contains($0) }
    }

    static func observeReason(_ kind: StepKind) -> String {
        "observe mode: \(kind.rawValue) would change the account"
    }

    /// `{finding_id}`, `{rule_id}`, `{rule_title}`, `{level}`, `{playbook}`, `{resource_id}` in step options.
    func substitute(_ text: String, _ finding: Finding, _ playbook: Playbook) -> String {
        guard text.contains("{") else { return text }
        let resource = finding.resource
        let values = ["finding_id": finding.id, "rule_id": finding.ruleID, "rule_title": finding.ruleTitle,
                      "level": finding.level.rawValue, "playbook": playbook.name, "resource_id": resource.id ?? ""]
        var out = text
        for (name, value) in values { out = out.replacingOccurrences(of: "{\(name)}", with: value) }
        return out
    }

    /// The human-readable part of an alert.
    func message(_ finding: Finding, playbook: Playbook) -> String {
        let resource = finding.resource
        var lines = ["\(finding.ruleTitle) (\(finding.level.rawValue))",
                     "Rule: \(finding.ruleID)",
                     "Finding: \(finding.id)"]
        if case .string(let time)? = finding.jsonValue()["time"] { lines.append("Time: \(time)") }
        var where_ = "\(resource.type ?? "resource") \(resource.id ?? "unknown")"
        if let eni = resource.interfaceID, eni != resource.id { where_ += " (ENI \(eni))" }
        if let account = resource.accountID { where_ += ", account \(account)" }
        if let region = resource.region { where_ += ", \(region)" }
        if let vpc = resource.vpcID { where_ += ", \(vpc)" }
        lines.append("Resource: \(where_)")
        let steps = playbook.steps.map(\.kind.rawValue).joined(separator: ", ")
        lines.append("Playbook: \(playbook.name) (\(steps)); mode \(mode.rawValue)")
        if let id = protectedID(finding, resource.id ?? "") {
            lines.append("Protected: \(id) is protected; Firebreak does not change it.")
        } else if mode == .observe && playbook.steps.contains(where: { $0.kind.changesAccount }) {
            lines.append("Observe mode: no changes are made to the account.")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Security group permissions

    /// Exactly the permissions an AuthorizeSecurityGroupIngress event added: `requestParameters.ipPermissions.items`,
    /// or the legacy top-level `ipProtocol`/`fromPort`/`toPort`/`cidrIp`.
    public static func ingressPermissions(of record: CloudTrailRecord) -> [EC2IpPermission] {
        guard let parameters = record.value(at: "requestParameters") else { return [] }
        let items = elements(parameters.values(at: "ipPermissions.items"))
        if !items.isEmpty {
            return items.compactMap { item -> EC2IpPermission? in
                guard let proto = scalarText(item["ipProtocol"]) else { return nil }
                return EC2IpPermission(
                    ipProtocol: proto, fromPort: item["fromPort"]?.int64Value.map(Int.init), toPort: item["toPort"]?.int64Value.map(Int.init),
                    ipv4Ranges: elements(item.values(at: "ipRanges.items")).compactMap { range in
                        range["cidrIp"]?.stringValue.map { EC2IpRange($0, description: range["description"]?.stringValue) }
                    },
                    ipv6Ranges: elements(item.values(at: "ipv6Ranges.items")).compactMap { range in
                        range["cidrIpv6"]?.stringValue.map { EC2IpRange($0, description: range["description"]?.stringValue) }
                    },
                    groupIds: item.values(at: "groups.items.groupId").compactMap(\.stringValue),
                    prefixListIds: item.values(at: "prefixListIds.items.prefixListId").compactMap(\.stringValue))
            }
        }
        guard let proto = scalarText(parameters["ipProtocol"]) else { return [] }
        return [EC2IpPermission(ipProtocol: proto, fromPort: parameters["fromPort"]?.int64Value.map(Int.init),
                                toPort: parameters["toPort"]?.int64Value.map(Int.init),
                                ipv4Ranges: parameters["cidrIp"]?.stringValue.map { [EC2IpRange($0)] } ?? [],
                                groupIds: parameters["sourceSecurityGroupId"]?.stringValue.map { [$0] } ?? [])]
    }

    /// `values(at:)` returns a list found at the end of the path as one value: its elements, flattened.
    static func elements(_ values: [JSONValue]) -> [JSONValue] {
        values.flatMap { $0.arrayValue ?? [$0] }
    }

    static func scalarText(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        default: return nil
        }
    }

    static func json(_ permission: EC2IpPermission) -> JSONValue {
        func ranges(_ list: [EC2IpRange]) -> JSONValue {
            .array(list.map { range in
                var object = JSONObject([("cidr", .string(range.cidr))])
                if let description = range.description { object.append("description", .string(description)) }
                return .object(object)
            })
        }
        var object = JSONObject([("ipProtocol", .string(permission.ipProtocol))])
        if let from = permission.fromPort { object.append("fromPort", .int(Int64(from))) }
        if let to = permission.toPort { object.append("toPort", .int(Int64(to))) }
        object.append("ipv4Ranges", ranges(permission.ipv4Ranges))
        object.append("ipv6Ranges", ranges(permission.ipv6Ranges))
        object.append("groupIds", .array(permission.groupIds.map { .string($0) }))
        object.append("prefixListIds", .array(permission.prefixListIds.map { .string($0) }))
        return .object(object)
    }

    /// The permissions of a `revoke-ingress` action's payload (what the executor revokes).
    public static func ingressPermissions(payload: String) -> [EC2IpPermission] {
        guard let value = try? JSONParser().parse(payload), let list = value["permissions"]?.arrayValue else { return [] }
        func ranges(_ value: JSONValue?) -> [EC2IpRange] {
            (value?.arrayValue ?? []).compactMap { range in
                range["cidr"]?.stringValue.map { EC2IpRange($0, description: range["description"]?.stringValue) }
            }
        }
        return list.compactMap { item in
            guard let proto = item["ipProtocol"]?.stringValue else { return nil }
            return EC2IpPermission(ipProtocol: proto, fromPort: item["fromPort"]?.int64Value.map(Int.init),
                                   toPort: item["toPort"]?.int64Value.map(Int.init),
                                   ipv4Ranges: ranges(item["ipv4Ranges"]), ipv6Ranges: ranges(item["ipv6Ranges"]),
                                   groupIds: (item["groupIds"]?.arrayValue ?? []).compactMap(\.stringValue),
                                   prefixListIds: (item["prefixListIds"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
    }

    /// The claiming playbooks named by a conditional fallback action (empty for every other action).
    public static func unlessClaimedBy(_ action: PlannedAction) -> [String] {
        guard action.payload.contains("unlessClaimedBy"), let value = try? JSONParser().parse(action.payload) else { return [] }
        return (value["unlessClaimedBy"]?.arrayValue ?? []).compactMap(\.stringValue)
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
