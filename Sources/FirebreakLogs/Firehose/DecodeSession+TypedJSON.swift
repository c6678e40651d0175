extension DecodeSession {
    /// A JSON document that is not CloudTrail as a typed event: a GuardDuty finding or a Route 53 Resolver query
    /// log record; nil for generic JSON.
    static func typedJSONEvent(_ document: JSONValue) -> LogEvent? {
        if let finding = GuardDutyFinding.decode(document) { return .guardDuty(finding) }
        if Route53QueryRecord.looksLikeRecord(document) { return .dnsQuery(Route53QueryRecord(record: document)) }
        return nil
    }
}
