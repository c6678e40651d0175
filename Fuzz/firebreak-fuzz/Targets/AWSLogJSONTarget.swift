import FirebreakDetection
import FirebreakLogs

/// `route53` and `guardduty`: the bytes are a JSON document, a Route 53 Resolver query log record or a GuardDuty
/// finding (EventBridge event or bare). It is decoded as a Firehose record (the sniffing that picks the typed
/// event), then every typed accessor, the computed query-name fields and the finding's resource are read.
enum AWSLogJSONTarget {
    static let decoder = RecordDecoder()

    static func run(_ data: [UInt8]) {
        guard let result = try? decoder.decode(record: data, index: 0) else { return }
        for decoded in result.events {
            switch decoded.event {
            case .dnsQuery(let record):
                _ = (record.queryName, record.queryType, record.rcode, record.queryTimestamp, record.srcaddr)
                _ = (record.instanceID, record.resolverEndpointID, record.vpcID, record.accountID, record.region)
                guard case .object(let fields) = record.fields else { break }
                if case .object(let original) = record.record, fields.count < original.count {
                    fatalError("Route 53: the computed fields dropped members of the record")
                }
            case .guardDuty(let finding):
                _ = (finding.type, finding.severity, finding.id, finding.accountID, finding.region, finding.updatedAt)
                _ = (finding.resourceType, finding.instanceID, finding.accessKeyID, finding.bucketName, finding.vpcID)
            default:
                continue
            }
            let event = DetectionEvent(decoded)
            let resource = FindingResource(event: event)
            if resource.type != nil && resource.id == nil && resource.type != "account" {
                fatalError("a resource type without an id: \(resource)")
            }
            _ = (event.logSource, event.timeMillis, event.eventKey, decoded.jsonLine())
        }
    }
}
