/// An object of Amazon Data Firehose's S3 backup of records it could not deliver to an HTTP endpoint
/// (`S3BackupMode: FailedDataOnly`; keys `<prefix>http-endpoint-failed/YYYY/MM/DD/HH/<stream>-<version>-<time>-<id>`):
/// one JSON document per record, one after another (Firehose separates them with newlines),
///
///     {"attemptsMade":5,"arrivalTimestamp":1594265943615,"errorCode":"HttpEndpoint.DestinationException",
///      "errorMessage":"...","attemptEndingTimestamp":1594266081318,"rawData":"<base64>","subsequenceNumber":0,
///      "dataId":"4960...0"}
///
/// `rawData` is the record as Firehose received it (for a CloudWatch Logs subscription, the gzip'd envelope): the
/// same bytes as a delivery's `records[i].data`, so each one is decoded like a delivery's record. Processing-failed
/// objects (Lambda transformation) have the same shape and are read the same way.
public struct FirehoseBackup: Sendable {
    /// Each error record's `rawData`, decoded, in order.
    public var records: [[UInt8]]
    /// Each error record's `errorCode` (`HttpEndpoint.DestinationException`, ...), "" when absent.
    public var errorCodes: [String]

    public init(records: [[UInt8]], errorCodes: [String]) {
        self.records = records
        self.errorCodes = errorCodes
    }

    /// True when `buffer` starts with a JSON object that has `rawData` and one of `errorCode`, `attemptsMade`
    /// at its top level (a structural scan of the first document; nothing is decoded).
    static func looksLikeBackup(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        var sawRawData = false, sawErrorField = false
        return JSONScanner.scanTopLevelKeys(buffer) { s, key in
            if s.tokenEquals(key, "rawData") { sawRawData = true }
            if s.tokenEquals(key, "errorCode") || s.tokenEquals(key, "attemptsMade") { sawErrorField = true }
            return sawRawData && sawErrorField
        }
    }

    /// Parses an (inflated) backup object: every document must be an object with a `rawData` string that decodes
    /// to at most `maxRecordBytes` bytes.
    public static func parse(_ bytes: [UInt8], maxRecordBytes: Int = FirehoseDeliveryLimits().maxRecordBytes)
        throws(FirehoseBackupError) -> FirehoseBackup {
        try bytes.withUnsafeBufferPointer { (buffer) throws(FirehoseBackupError) -> FirehoseBackup in
            try parse(buffer, maxRecordBytes: maxRecordBytes)
        }
    }

    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, maxRecordBytes: Int) throws(FirehoseBackupError) -> FirehoseBackup {
        var s = JSONScanner(buffer)
        var backup = FirehoseBackup(records: [], errorCodes: [])
        do {
            while s.peek() != nil {
                let (record, code) = try parseDocument(&s, index: backup.records.count, maxRecordBytes: maxRecordBytes)
                backup.records.append(record)
                backup.errorCodes.append(code)
            }
        } catch let error as FirehoseBackupError {
            throw error
        } catch let error as JSONParseError {
            throw .malformedJSON(offset: error.offset, message: error.message)
        } catch {
            throw .malformedJSON(offset: s.pos, message: "\(error)")
        }
        return backup
    }

    private static func parseDocument(_ s: inout JSONScanner, index: Int, maxRecordBytes: Int) throws -> ([UInt8], String) {
        guard s.peek() == UInt8(ascii: "{") else { throw s.error("expected an error record object") }
        s.pos += 1
        var data: [UInt8]?
        var code = ""
        if s.peek() != UInt8(ascii: "}") {
            while true {
                let key = try s.expectString("object key")
                try s.expect(UInt8(ascii: ":"), "':'")
                if s.tokenEquals(key, "rawData") {
                    guard data == nil else { throw s.error("duplicate field \"rawData\"") }
                    guard s.peek() == 0x22 else { throw FirehoseBackupError.missingRawData(document: index) }
                    data = try decodeRawData(s, try s.scanString(), index: index, maxRecordBytes: maxRecordBytes)
                } else if s.tokenEquals(key, "errorCode"), s.peek() == 0x22 {
                    code = try s.string(try s.scanString())
                } else {
                    try s.skipValue(depth: 1, maxDepth: 64)
                }
                if try s.endOfElement(close: UInt8(ascii: "}")) { break }
            }
        } else {
            s.pos += 1
        }
        guard let data else { throw FirehoseBackupError.missingRawData(document: index) }
        return (data, code)
    }

    private static func decodeRawData(_ s: JSONScanner, _ token: JSONStringToken, index: Int, maxRecordBytes: Int) throws -> [UInt8] {
        switch try Base64.decode(s, token, maxBytes: maxRecordBytes) {
        case .bytes(let bytes): return bytes
        case .invalid: throw FirehoseBackupError.invalidBase64(document: index)
        case .tooLarge(let size): throw FirehoseBackupError.recordTooLarge(document: index, size: size, limit: maxRecordBytes)
        }
    }
}
