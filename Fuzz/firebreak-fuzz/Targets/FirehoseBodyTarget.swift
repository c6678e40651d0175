import FirebreakLogs

/// `firehose-body`: the bytes are a (decompressed) Firehose HTTP endpoint request body. A body that parses
/// must survive `jsonBody()` and parse again to the same delivery; each record is then decoded as the
/// worker pool would, and each event rendered as `firebreak decode` prints it.
enum FirehoseBodyTarget {
    static let limits = FirehoseDeliveryLimits(maxRecords: 1_000, maxRecordBytes: 1 << 20)
    static let decoder = RecordDecoder()

    static func run(_ data: [UInt8]) {
        guard let delivery = try? FirehoseDelivery.parse(data, limits: limits) else { return }
        let again: FirehoseDelivery
        do {
            again = try FirehoseDelivery.parse(delivery.jsonBody(), limits: limits)
        } catch {
            fatalError("Firehose body: jsonBody() of a parsed delivery does not parse: \(error)")
        }
        guard again.requestID == delivery.requestID, again.timestampMillis == delivery.timestampMillis,
              again.records == delivery.records else {
            fatalError("Firehose body: jsonBody() of a parsed delivery parses to a different delivery")
        }
        for (index, record) in delivery.records.enumerated() {
            guard let result = try? decoder.decode(record: record, index: index) else { continue }
            for event in result.events { _ = event.jsonLine() }
        }
    }
}
