/// `alert`: what to tell the SNS topic.
///
/// ```json
/// {"subject": "Firebreak: SSH open to the world", "message": "readable text", "level": "high",
///  "ruleId": "rule-uuid", "finding": {"id": "...", "...": "..."}}
/// ```
/// Everything is optional: the subject defaults to `Firebreak <level> finding: <rule>`, the level to
/// `unknown`, the rule id to the action's. `finding` is any JSON value, re-encoded (sorted keys) under the text;
/// the planner leaves it out (the alert then shows the finding as stored), payloads from earlier versions have it.
public struct AlertPayload: Codable, Sendable, Hashable {
    public var subject: String?
    public var message: String?
    public var level: String?
    public var ruleId: String?
    public var finding: PayloadJSON?
    /// The step's `topic` option: this topic instead of `alerts.sns_topic_arn`.
    public var topic: String?
    /// The step's `summary: true`: when the finding's window closes with more than one match, a second alert says
    /// how many there were (`SummaryAlerts`).
    public var summary: Bool?

    public init(subject: String? = nil, message: String? = nil, level: String? = nil, ruleId: String? = nil,
                finding: PayloadJSON? = nil, topic: String? = nil, summary: Bool? = nil) {
        self.topic = topic
        self.summary = summary
        self.subject = subject
        self.message = message
        self.level = level
        self.ruleId = ruleId
        self.finding = finding
    }
}
