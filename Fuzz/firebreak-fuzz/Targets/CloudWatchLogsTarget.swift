import FirebreakLogs

/// `cwl`: the bytes are one decoded Firehose record, typically a CloudWatch Logs subscription message
/// (`{"messageType":"DATA_MESSAGE",...,"logEvents":[...]}`), gzip or not, fed to `RecordDecoder` as the
/// worker pool does. Log groups starting `/custom` use a custom flow-log format, so the scanner's in-place
/// messages reach the custom-format parser too; each event is rendered as `firebreak decode` prints it.
enum CloudWatchLogsTarget {
    static let decoder: RecordDecoder = {
        var configuration = DecoderConfiguration()
        configuration.maxDecompressedBytes = 8 << 20
        configuration.maxEventsPerRecord = 10_000
        if let custom = try? FlowLogFormat(parsing: "${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} "
                                               + "${account-id} ${type} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                                               + "${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${start} "
                                               + "${end} ${action} ${tcp-flags} ${log-status} ${flow-direction} ${traffic-path}") {
            configuration.flowLogFormats = [FlowLogFormatRule(logGroupPrefix: "/custom", format: custom)]
        }
        return RecordDecoder(configuration: configuration)
    }()

    static func run(_ data: [UInt8]) {
        guard let result = try? decoder.decode(record: data, index: 0) else { return }
        for event in result.events { _ = event.jsonLine() }
        for issue in result.issues { _ = issue.description }
    }
}
