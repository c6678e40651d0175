import FirebreakLogs

/// `alb-line`: the bytes (as UTF-8, lossily) are one Application Load Balancer access log entry; the sniffer runs on
/// the raw bytes first, the parser on every input (sniffed or not), and a parsed entry has every field read.
enum ALBLineTarget {
    static func run(_ data: [UInt8]) {
        _ = data.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return ALBLogParser.looksLikeEntry(base, 0, buffer.count)
        }
        guard let record = try? ALBLogParser.parse(String(decoding: data, as: UTF8.self)) else { return }
        for field in ALBLogField.allCases { _ = record.value(of: field) }
        for name in ALBLogRecord.columnNames { _ = record.field(name) }
        _ = record.clientIP?.description
        _ = record.jsonObject().serialized()
    }
}
