extension DecodeSession {
    /// A JSON document that is not CloudTrail as a typed event: a GuardDuty finding, a Route 53 Resolver query
    /// log record, an S3 server access log record or a CloudFront standard logging (v2) record; nil for generic JSON.
    static func typedJSONEvent(_ document: JSONValue) -> LogEvent? {
        if let finding = GuardDutyFinding.decode(document) { return .guardDuty(finding) }
        if Route53QueryRecord.looksLikeRecord(document) { return .dnsQuery(Route53QueryRecord(record: document)) }
        if let record = S3AccessLogParser.record(json: document) { return .s3Access(record) }
        if let record = CloudFrontLogParser.record(json: document) { return .cloudFront(record) }
        return nil
    }
}
