import FirebreakAWS
import Foundation

extension StepRunner {
    /// `alert`: SNS Publish to `alertTopicArn` (`AlertPayload`): readable text, then the finding as JSON; message
    /// attributes `level`, `rule_id` and `finding_id` (String) for subscription filter policies. Sent in every
    /// mode: an alert changes nothing in the account.
    func alert(_ action: PlannedAction) throws(AWSError) -> StepOutcome {
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
