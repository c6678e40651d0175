import FirebreakAWS
import FirebreakDetection
import FirebreakLogs
import Foundation

/// `alert`: SNS Publish to the step's `topic` option or `alerts.sns_topic_arn` (`AlertPayload`): readable text (the
/// finding, the instance, account and region, the earlier steps of the plan with what they created), then the
/// finding as JSON; message attributes `level`, `rule_id`, `finding_id`, `firebreak.action_id` and
/// `firebreak.finding_id`. On a FIFO topic the message carries `MessageDeduplicationId` = the action id and
/// `MessageGroupId` = the resource, so a repeat after a crash is delivered once; on a standard topic subscribers
/// drop repeats by `firebreak.action_id`. Sent in every mode: an alert changes nothing in the account.
enum AlertStep: ResponseStep {
    typealias Payload = AlertPayload

    static let kind = StepKind.alert
    static let allowedOptions: Set<String> = ["subject", "topic", "summary"]

    static func problem(option: String, value: String) -> String? {
        guard option == "summary", !["true", "false", "yes", "no", "on", "off"].contains(value.lowercased()) else { return nil }
        return "summary is true or false, not '\(value)'"
    }

    static func target(of finding: Finding) -> StepTarget { StepTarget(finding) }

    /// True when the step asks for a summary alert when its finding's window closes (`summary: true`).
    static func wantsSummary(_ step: PlaybookStep) -> Bool {
        step.kind == .alert && step.options["summary"].map { ["true", "yes", "on"].contains($0.lowercased()) } == true
    }

    /// True when the alert has somewhere to go: its own `topic`, or the configured default topic.
    static func hasTopic(_ step: PlaybookStep, defaultTopic: Bool) -> Bool {
        defaultTopic || step.options["topic"] != nil
    }

    /// One alert per rule and resource per window, not one per flow record, and not one for all rules.
    static func idempotencyKey(_ target: StepTarget, finding: Finding) -> String {
        "alert|\(finding.ruleID)|\(target.type)|\(target.id)"
    }

    static func payload(_ plan: StepPlan) -> Payload {
        let subject = plan.fill(plan.step.options["subject"] ?? "Firebreak {level}: {rule_title}")
        // The finding itself is not copied into the payload: the alert reads it from the store when it is sent
        // (`AlertContext.findingJSON`), so a new finding costs one JSON document, not two.
        return AlertPayload(subject: String(subject.prefix(100)), message: message(plan), level: plan.finding.level.rawValue,
                            ruleId: plan.finding.ruleID, topic: plan.step.options["topic"],
                            summary: plan.step.options["summary"] == nil ? nil : wantsSummary(plan.step))
    }

    /// The payload as `ActionPayload` stores it, written directly (no JSONEncoder): the same members and sorted keys,
    /// so the runner's JSONDecoder reads it back unchanged. A payload carrying a finding (earlier versions) goes
    /// through JSONEncoder.
    /// Without the place: an alert is sent from the service's own account, where its topic is.
    static func payloadText(_ payload: AlertPayload, unlessClaimedBy: [String]?, place: ActionPlace) -> String {
        guard payload.finding == nil else { return ActionPayload(step: payload, unlessClaimedBy: unlessClaimedBy).jsonText }
        var object = JSONObject()
        if let level = payload.level { object.append("level", .string(level)) }
        if let message = payload.message { object.append("message", .string(message)) }
        if let ruleId = payload.ruleId { object.append("ruleId", .string(ruleId)) }
        if let subject = payload.subject { object.append("subject", .string(subject)) }
        if let summary = payload.summary { object.append("summary", .bool(summary)) }
        if let topic = payload.topic { object.append("topic", .string(topic)) }
        if let unlessClaimedBy { object.append("unlessClaimedBy", .array(unlessClaimedBy.map(JSONValue.string))) }
        return JSONValue.object(object).serialized()
    }

    /// The human-readable part of an alert, written when planned.
    static func message(_ plan: StepPlan) -> String {
        let finding = plan.finding
        let resource = finding.resource
        // One string appended to (an alert is planned for nearly every new finding).
        var text = ""
        text.reserveCapacity(512)
        for part in [finding.ruleTitle, " (", finding.level.rawValue, ")\nRule: ", finding.ruleID, "\nFinding: ", finding.id,
                     "\nTime: ", finding.timeText, "\nResource: ", resource.type ?? "resource", " ", resource.id ?? "unknown"] {
            text += part
        }
        if let eni = resource.interfaceID, eni != resource.id { text += " (ENI " + eni + ")" }
        if let account = resource.accountID { text += ", account " + account }
        if let region = resource.region { text += ", " + region }
        if let vpc = resource.vpcID { text += ", " + vpc }
        text += "\nPlaybook: " + plan.playbook.name + " ("
        for (index, step) in plan.playbook.steps.enumerated() { text += (index == 0 ? "" : ", ") + step.kind.rawValue }
        text += "); mode " + plan.mode.rawValue
        let ids = [resource.id, resource.instanceID, resource.interfaceID, resource.securityGroupID].compactMap { $0 }
        if let id = ids.first(where: plan.protectedIDs.contains) {
            text += "\nProtected: " + id + " is protected; Firebreak does not change it."
        } else if plan.mode == .observe && plan.playbook.steps.contains(where: { $0.kind.changesAccount }) {
            text += "\nObserve mode: no changes are made to the account."
        }
        return text
    }

    static func run(_ action: PlannedAction, _ payload: Payload, _ run: inout StepRun) throws(AWSError) -> StepOutcome {
        guard let sns = run.runner.sns else { return .skipped("no SNS client configured") }
        guard let topic = payload.topic ?? run.runner.alertTopicArn, !topic.isEmpty else {
            return .skipped(ActionExecutor.noAlertTopic)
        }
        let level = payload.level ?? "unknown"
        let ruleId = payload.ruleId ?? action.ruleID
        let subject = snsSubject(payload.subject ?? "Firebreak \(level) finding: \(ruleId)")
        let message = text(action, payload: payload, level: level, ruleId: ruleId, context: run.context)
        let attributes: [String: SNSMessageAttribute] = [
            "level": .string(level), "rule_id": .string(ruleId), "finding_id": .string(action.findingID),
            StepRunner.actionIDAttribute: .string(action.id), StepRunner.findingIDAttribute: .string(action.findingID),
        ]
        let fifo = SNSClient.isFIFO(topic)
            ? FIFOMessage(groupID: String(action.resourceID.prefix(128)), deduplicationID: deduplicationID(action.id))
            : nil
        let messageId = try sns.publish(topicArn: topic, subject: subject, message: message, attributes: attributes,
                                        fifo: fifo)
        return .done("published to \(topic) as message \(messageId)" + (fifo == nil ? "" : " (FIFO, deduplicated by action id)"),
                     createdIDs: [messageId])
    }

    /// The action id as a FIFO deduplication id: at most 128 characters (a longer id keeps its head and a hash).
    static func deduplicationID(_ actionID: String) -> String {
        guard actionID.utf8.count > 128 else { return actionID }
        let hash = SHA256.hexDigest(Array(actionID.utf8))
        return String(actionID.prefix(63)) + "-" + hash
    }

    /// The alert text: the payload's message, the facts, the steps taken, then the finding JSON (cut to fit SNS's limit).
    static func text(_ action: PlannedAction, payload: AlertPayload, level: String, ruleId: String,
                     context: AlertContext = AlertContext()) -> String {
        var text = payload.message.map { $0.isEmpty ? "" : $0 + "\n\n" } ?? ""
        var resource = "\(action.resourceType) \(action.resourceID)"
        if let instance = context.instanceID, instance != action.resourceID { resource += " (instance \(instance))" }
        text += """
            Firebreak finding \(action.findingID)
            Rule: \(ruleId)
            Level: \(level)
            Resource: \(resource)
            Playbook: \(action.playbook)
            """
        if context.accountID != nil || context.region != nil {
            text += "\nAccount: \(context.accountID ?? "unknown"), region: \(context.region ?? "unknown")"
        }
        if !context.steps.isEmpty {
            text += "\nSteps taken:"
            for step in context.steps {
                text += "\n  \(step.sequence). \(step.step.kind.rawValue) \(step.resourceID): \(step.state.rawValue)"
                if !step.createdIDs.isEmpty { text += ", created \(step.createdIDs.joined(separator: ", "))" }
                if let reason = step.reason, !reason.isEmpty { text += " (\(reason))" }
            }
        }
        if let json = payload.finding?.jsonText ?? context.findingJSON {
            var json = json
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
