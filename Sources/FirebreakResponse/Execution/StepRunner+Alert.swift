import FirebreakAWS
import Foundation

extension StepRunner {
    /// `alert`: SNS Publish to the step's `topic` or `alertTopicArn` (`AlertPayload`): readable text (the finding,
    /// the instance, account and region, the steps taken with their AWS ids), then the finding as JSON; message
    /// attributes `level`, `rule_id`, `finding_id`, `firebreak.action_id` and `firebreak.finding_id` (String).
    /// On a FIFO topic the message carries `MessageDeduplicationId` = the action id and `MessageGroupId` = the
    /// resource, so a repeat after a crash is delivered once; on a standard topic subscribers drop repeats by
    /// `firebreak.action_id`. Sent in every mode: an alert changes nothing in the account.
    func alert(_ action: PlannedAction, context: AlertContext = AlertContext()) throws(AWSError) -> StepOutcome {
        guard let sns else { return .skipped("no SNS client configured") }
        let payload = try action.decodePayload(AlertPayload.self)
        guard let topic = payload.topic ?? alertTopicArn, !topic.isEmpty else {
            return .skipped("no alerts.sns_topic_arn configured")
        }
        let level = payload.level ?? action.step.options["level"] ?? "unknown"
        let ruleId = payload.ruleId ?? action.ruleID
        let subject = Self.snsSubject(payload.subject ?? action.step.options["subject"].map { Self.fill($0, from: action) }
                                      ?? "Firebreak \(level) finding: \(ruleId)")
        let message = Self.alertText(action, payload: payload, level: level, ruleId: ruleId, context: context)
        let attributes: [String: SNSMessageAttribute] = [
            "level": .string(level), "rule_id": .string(ruleId), "finding_id": .string(action.findingID),
            Self.actionIDAttribute: .string(action.id), Self.findingIDAttribute: .string(action.findingID),
        ]
        let fifo = SNSClient.isFIFO(topic)
            ? FIFOMessage(groupID: String(action.resourceID.prefix(128)), deduplicationID: Self.deduplicationID(action.id))
            : nil
        let messageId = try sns.publish(topicArn: topic, subject: subject, message: message, attributes: attributes,
                                        fifo: fifo)
        return .done("published to \(topic) as message \(messageId)" + (fifo == nil ? "" : " (FIFO, deduplicated by action id)"),
                     createdIDs: [messageId])
    }

    /// Message attributes by which a subscriber of a standard topic drops a repeated alert.
    public static let actionIDAttribute = "firebreak.action_id"
    public static let findingIDAttribute = "firebreak.finding_id"

    /// The action id as a FIFO deduplication id: at most 128 characters (a longer id keeps its head and a hash).
    static func deduplicationID(_ actionID: String) -> String {
        guard actionID.utf8.count > 128 else { return actionID }
        let hash = SHA256.hexDigest(Array(actionID.utf8))
        return String(actionID.prefix(63)) + "-" + hash
    }

    /// The alert text: the payload's message, the facts, the steps taken, then the finding JSON (cut to fit SNS's limit).
    static func alertText(_ action: PlannedAction, payload: AlertPayload, level: String, ruleId: String,
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
                if let reason = step.reason, !reason.isEmpty { text += " (\(reason))" }
            }
        }
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
