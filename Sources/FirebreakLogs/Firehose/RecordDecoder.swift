/// Decodes Firehose records (and whole files) into log events.
///
/// Each record is sniffed: gzip is decompressed once (with the configured caps) and sniffed
/// again; a CloudWatch Logs subscription message yields its `logEvents` (control messages are
/// counted and ignored); another JSON document is CloudTrail (any envelope) or a generic JSON
/// event; anything else is text lines, each of which may be JSON, a flow-log line or text.
///
/// Flow-log lines are recognized by, in order: the CloudWatch Logs log group's configured
/// format; an S3 flow-log header line earlier in the same payload; the default v2 format for a
/// line that starts with `2 ` and has 14 fields. Line-level problems become `DecodeIssue`s;
/// only a record that cannot be decompressed throws.
public struct RecordDecoder: Sendable {
    public let configuration: DecoderConfiguration

    public init(configuration: DecoderConfiguration = DecoderConfiguration()) {
        self.configuration = configuration
    }

    /// Decodes one Firehose record (`data` after base64). `maxDecompressedBytes` lowers the configured cap on
    /// its inflated size (what is left of a delivery's budget); inflating stops as soon as a cap is passed.
    public func decode(record bytes: [UInt8], index: Int, maxDecompressedBytes: Int? = nil)
        throws(RecordDecodeError) -> RecordDecodeResult
    {
        var result = RecordDecodeResult()
        _ = try decode(record: bytes, index: index, maxDecompressedBytes: maxDecompressedBytes, into: &result)
        return result
    }

    /// Decodes one record, appending to `total` in place (its events as one chunk of `total.events`); returns the
    /// record's inflated size. `total` is unchanged when the record cannot be inflated.
    func decode(record bytes: [UInt8], index: Int, maxDecompressedBytes: Int?, into total: inout RecordDecodeResult)
        throws(RecordDecodeError) -> Int
    {
        let storage = try inflatedIfGzip(bytes, recordIndex: index, maxOutput: maxDecompressedBytes)
        var session = DecodeSession(configuration: configuration, recordIndex: index)
        swap(&session.result, &total)
        session.result.decompressedBytes += storage.count
        session.decodePayload(storage)
        session.finish()
        swap(&session.result, &total)
        return storage.count
    }

    /// A file as `firebreak decode` reads it: a Firehose request body (JSON with requestId/records,
    /// gzip or not), an object of Firehose's S3 backup of failed deliveries (`FirehoseBackup`: each `rawData` decoded
    /// as a delivery's record), a CloudWatch Logs payload, an S3 CloudTrail file or a flow-log file (gzip or plain).
    public func decodeFile(_ bytes: [UInt8]) throws(RecordDecodeError) -> RecordDecodeResult {
        let storage = try inflatedIfGzip(bytes, recordIndex: 0)
        // A JSON object is indexed once (a CloudTrail S3 file is read from its index); an index whose root lacks the
        // keys of a Firehose body or of a Firehose backup object spares scanning the whole file for them. CloudWatch
        // Logs payloads and Firehose bodies, which name their own keys first, are not indexed.
        let buffer = storage.buffer
        var first = 0
        while first < buffer.count, buffer[first] == 0x20 || buffer[first] == 0x0A || buffer[first] == 0x0D || buffer[first] == 0x09 {
            first += 1
        }
        var tape: JSONTape?
        if first < buffer.count, buffer[first] == UInt8(ascii: "{"), !DecodeSession.startsWithKey(buffer, first, "\"messageType\""),
           !DecodeSession.startsWithKey(buffer, first, "\"requestId\""), !DecodeSession.startsWithKey(buffer, first, "\"records\"") {
            tape = JSONTape.build(storage, 0, storage.count, maxDepth: configuration.maxJSONDepth)
        }
        if tape.map({ Self.rootHasKeys($0, ["requestId", "records"]) }) ?? true, FirehoseDelivery.looksLikeDelivery(buffer) {
            let delivery: FirehoseDelivery
            do {
                delivery = try FirehoseDelivery.parse(storage.buffer, limits: configuration.firehoseLimits)
            } catch {
                throw .delivery(error)
            }
            return try decodeRecords(of: delivery)
        }
        if tape.map({ Self.rootHasKeys($0, ["rawData"]) && (Self.rootHasKeys($0, ["errorCode"]) || Self.rootHasKeys($0, ["attemptsMade"])) }) ?? true,
           FirehoseBackup.looksLikeBackup(storage.buffer) {
            let backup: FirehoseBackup
            do {
                backup = try FirehoseBackup.parse(storage.buffer, maxRecordBytes: configuration.firehoseLimits.maxRecordBytes)
            } catch {
                throw .backup(error)
            }
            var total = RecordDecodeResult()
            for (index, record) in backup.records.enumerated() {
                _ = try decode(record: record, index: index, maxDecompressedBytes: nil, into: &total)
            }
            return total
        }
        var session = DecodeSession(configuration: configuration, recordIndex: 0)
        session.result.decompressedBytes = storage.count
        session.decodePayload(storage, tape: tape)
        session.finish()
        return session.result
    }

    /// False when the indexed document cannot be what a top-level key scan looks for (`FirehoseDelivery.looksLikeDelivery`,
    /// `FirehoseBackup.looksLikeBackup`): those need each of `keys` (unescaped) among the root's keys.
    private static func rootHasKeys(_ tape: JSONTape, _ keys: [StaticString]) -> Bool {
        guard tape.kind(0) == .object else { return false }
        return keys.allSatisfy { key in
            var i = 1
            let end = tape.next(0)
            while i < end {
                if tape.entries[i].flags & JSONTape.Flags.escaped == 0,
                   tape.raw(i).elementsEqual(UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)) {
                    return true
                }
                i = tape.next(i + 1)
            }
            return false
        }
    }

    /// The payload's bytes, gunzipped (within the configured caps) when they start with gzip's magic.
    private func inflatedIfGzip(_ bytes: [UInt8], recordIndex: Int, maxOutput: Int? = nil) throws(RecordDecodeError)
        -> ByteStorage
    {
        guard Gzip.hasMagic(bytes) else { return ByteStorage(copying: bytes) }
        var limits = configuration.gzipLimits
        if let maxOutput { limits.maxOutputBytes = min(limits.maxOutputBytes, max(0, maxOutput)) }
        do {
            return try bytes.withUnsafeBufferPointer { (buf) throws(GzipError) -> ByteStorage in
                try Gzip.inflate(buf, limits: limits)
            }
        } catch {
            throw .gzip(recordIndex: recordIndex, error)
        }
    }
}
