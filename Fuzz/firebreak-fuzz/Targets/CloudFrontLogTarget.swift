import FirebreakDetection
import FirebreakLogs

/// `cloudfront-log`: the bytes are a CloudFront standard log file (`#Version:` and `#Fields:` header lines, then
/// tab-separated lines) or a standard logging (v2) JSON record, decoded as a Firehose record as the service sniffs it;
/// every CloudFront record has each of its fields read and its event made. Each line is also parsed on its own in
/// the legacy order, after the sniffer has looked at it.
enum CloudFrontLogTarget {
    static let decoder: RecordDecoder = {
        var configuration = DecoderConfiguration()
        configuration.maxEventsPerRecord = 10_000
        return RecordDecoder(configuration: configuration)
    }()

    static func run(_ data: [UInt8]) {
        if let result = try? decoder.decode(record: data, index: 0) {
            for decoded in result.events {
                if case .cloudFront(let record) = decoded.event { read(record) }
                _ = decoded.jsonLine()
            }
            for issue in result.issues { _ = issue.description }
        }
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: true).prefix(64) {
            _ = Array(line).withUnsafeBufferPointer { buffer -> Bool in
                guard let base = buffer.baseAddress else { return false }
                return CloudFrontLogParser.looksLikeEntry(base, 0, buffer.count) || CloudFrontLogParser.isFieldsLine(base, 0, buffer.count)
            }
            let text = String(decoding: line, as: UTF8.self)
            if let record = try? CloudFrontLogParser.parse(text) { read(record) }
            _ = try? CloudFrontLogFormat.fromHeaderLine(text)
        }
    }

    static func read(_ record: CloudFrontLogRecord) {
        for name in record.format.fields { _ = record.field(name) }
        for field in CloudFrontLogField.allCases { _ = record.value(of: field) }
        _ = (record.clientIP?.description, record.distribution, record.jsonObject().serialized())
        let event = DetectionEvent(DecodedEvent(event: .cloudFront(record), context: LogContext(recordIndex: 0)))
        let resource = FindingResource(event: event)
        if resource.type != nil && resource.id == nil { fatalError("CloudFront: a resource type without an id: \(resource)") }
        _ = (event.logSource, event.timeMillis, event.eventKey)
    }
}
