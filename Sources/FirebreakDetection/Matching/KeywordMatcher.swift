import FirebreakLogs

/// A keyword selection (a plain list of values): matches when the event's text contains any of
/// them (case-insensitively, wildcards allowed). The text is the CloudTrail or JSON record
/// serialized compactly, the flow-log, ALB, S3 or CloudFront line (or JSON text), or the text line.
final class KeywordMatcher: Sendable {
    let patterns: [StringPattern]

    init(patterns: [StringPattern]) {
        self.patterns = patterns
    }

    func matches(_ event: DetectionEvent) -> Bool {
        // A CloudTrail record whose bytes are its compact JSON text is searched in place.
        if case .cloudTrail(let record) = event.storage.decoded.event, record.tape.isClean(record.index) {
            let bytes = record.tape.raw(record.index)
            return patterns.contains { $0.matches(utf8: bytes) }
        }
        let text = Self.text(of: event)
        return patterns.contains { $0.matches(text) }
    }

    static func text(of event: DetectionEvent) -> String {
        switch event.storage.decoded.event {
        case .cloudTrail(let record): return record.record.serialized()
        case .json(let value): return value.serialized()
        case .dnsQuery(let record): return record.record.serialized()
        case .guardDuty(let finding): return finding.finding.serialized()
        case .flow(let flow): return flow.line
        case .text(let line): return line
        case .alb(let record): return record.line
        case .s3Access(let record): return record.line
        case .cloudFront(let record): return record.line
        }
    }
}
