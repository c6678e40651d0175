import FirebreakDetection
import FirebreakLogs

/// `s3access-line`: the bytes (as UTF-8, lossily) are one S3 server access log line. The sniffer runs on the raw bytes,
/// the parser on every input (sniffed or not), and a parsed record has every field read and its event made; a record
/// with an operation, a bucket and a time must come back with the same values from its JSON object (the CloudWatch
/// Logs shape). The bytes are also decoded as a Firehose record, as the service sniffs it (line or JSON).
enum S3AccessLineTarget {
    static let decoder: RecordDecoder = {
        var configuration = DecoderConfiguration()
        configuration.maxEventsPerRecord = 10_000
        return RecordDecoder(configuration: configuration)
    }()

    static func run(_ data: [UInt8]) {
        _ = data.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return S3AccessLogParser.looksLikeEntry(base, 0, buffer.count)
        }
        if let record = try? S3AccessLogParser.parse(String(decoding: data, as: UTF8.self)) {
            read(record)
            if let again = S3AccessLogParser.record(json: record.jsonObject()) {
                for field in S3AccessLogField.allCases {
                    let (a, b) = (record.value(of: field), again.value(of: field))
                    let same = field.kind == .integer ? a.flatMap { Int64($0) }.map { String($0) } ?? a == b : a == b
                    if !same { fatalError("S3 \(field.rawValue): \(a ?? "nil") became \(b ?? "nil") through JSON") }
                }
            } else if record.value(of: .operation) != nil && record.bucket != nil && record.value(of: .time) != nil {
                fatalError("S3: a record's JSON object is not read back as a record")
            }
        }
        guard let result = try? decoder.decode(record: data, index: 0) else { return }
        for decoded in result.events {
            if case .s3Access(let record) = decoded.event { read(record) }
            _ = decoded.jsonLine()
        }
        for issue in result.issues { _ = issue.description }
    }

    static func read(_ record: S3AccessLogRecord) {
        for field in S3AccessLogField.allCases { _ = record.value(of: field) }
        _ = (record.remoteIP?.description, record.isAnonymous, record.jsonObject().serialized())
        let event = DetectionEvent(DecodedEvent(event: .s3Access(record), context: LogContext(recordIndex: 0)))
        let resource = FindingResource(event: event)
        if resource.type != nil && resource.id == nil { fatalError("S3: a resource type without an id: \(resource)") }
        _ = (event.logSource, event.timeMillis, event.eventKey)
    }
}
