import FirebreakLogs

/// One Firehose delivery, decoded: what a `BatchProcessor` receives.
public struct DecodedBatch: Sendable {
    public var requestID: String
    /// When Firehose generated the request (milliseconds since the epoch).
    public var timestampMillis: Int64
    public var sourceArn: String?
    /// `X-Amz-Firehose-Common-Attributes`, e.g. `["env": "prod"]`.
    public var commonAttributes: [String: String]
    public var recordCount: Int
    /// Body bytes as received (before `Content-Encoding: gzip` was undone).
    public var bodyBytes: Int
    /// Bytes of record payload after every gzip layer was undone.
    public var decompressedBytes: Int
    public var events: DecodedEvents
    /// Problems inside records that did not fail the delivery (a malformed flow line, ...).
    public var issues: [DecodeIssue]
    public var controlMessages: Int
    public var receivedAt: ContinuousClock.Instant

    /// Events per kind (`vpcflow`, `cloudtrail`, `route53`, `guardduty`, `elb`, `s3`, `cloudfront`, `json`, `text`).
    public var eventCounts: [String: Int] {
        // Counted by matching the case alone: no event (or its payload) is copied.
        var flow = 0, cloudTrail = 0, json = 0, text = 0, dns = 0, guardDuty = 0, elb = 0, s3 = 0, cloudFront = 0
        for chunk in events.chunks {
            for index in chunk.indices {
                switch chunk[index].event {
                case .flow: flow += 1
                case .cloudTrail: cloudTrail += 1
                case .json: json += 1
                case .dnsQuery: dns += 1
                case .guardDuty: guardDuty += 1
                case .text: text += 1
                case .alb: elb += 1
                case .s3Access: s3 += 1
                case .cloudFront: cloudFront += 1
                }
            }
        }
        var counts: [String: Int] = [:]
        for (kind, count) in [(LogEventKind.vpcFlow, flow), (.cloudTrail, cloudTrail), (.json, json), (.text, text),
                              (.route53, dns), (.guardDuty, guardDuty), (.elb, elb), (.s3Access, s3),
                              (.cloudFront, cloudFront)] where count > 0 {
            counts[kind.rawValue] = count
        }
        return counts
    }
}
