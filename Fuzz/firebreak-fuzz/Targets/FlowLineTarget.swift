import FirebreakLogs

/// `flow-line`: the bytes (as UTF-8, lossily) are one VPC flow-log line in the default (version 2) format.
enum FlowLineTarget {
    static let parser = FlowLogParser(format: .defaultV2)

    static func run(_ data: [UInt8]) {
        let line = String(decoding: data, as: UTF8.self)
        guard let record = try? parser.parse(line) else { return }
        FlowRecordTouch.touch(record)
    }
}

/// Reads every field of a parsed record, as the detection engine and `firebreak decode` would.
enum FlowRecordTouch {
    static func touch(_ record: FlowLogRecord) {
        for field in FlowLogField.allCases { _ = record.value(of: field)?.description }
        for column in 0..<record.format.count { _ = record.rawString(column: column) }
        for name in record.format.fieldNames { _ = record.field(name) }
        _ = record.srcaddr?.description
        _ = record.dstaddr?.description
        _ = record.jsonObject().serialized()
        _ = record.line
    }
}
