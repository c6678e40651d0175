/// The JSON body of an Amazon Data Firehose HTTP endpoint delivery request
/// (`{"requestId": "...", "timestamp": <ms>, "records": [{"data": "<base64>"}, ...]}`), with each
/// record's `data` already base64-decoded.
///
/// Parsing is a single pass over the bytes: records are decoded straight from the body without
/// building a JSON tree or intermediate strings. Unknown fields are ignored; duplicate top-level
/// fields are rejected (ambiguous input).
public struct FirehoseDelivery: Sendable {
    public var requestID: String
    public var timestampMillis: Int64
    public var records: [[UInt8]]

    public init(requestID: String, timestampMillis: Int64, records: [[UInt8]]) {
        self.requestID = requestID
        self.timestampMillis = timestampMillis
        self.records = records
    }

    /// Parses and validates a (decompressed) delivery body.
    public static func parse(_ body: [UInt8], limits: FirehoseDeliveryLimits = .init()) throws(FirehoseDeliveryError) -> FirehoseDelivery {
        try body.withUnsafeBufferPointer { (buffer) throws(FirehoseDeliveryError) -> FirehoseDelivery in
            try parse(buffer, limits: limits)
        }
    }

    /// The JSON body of this delivery (records base64-encoded), e.g. for tests and benchmarks.
    public func jsonBody() -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: "{\"requestId\":".utf8)
        JSONValue.writeString(requestID, into: &out)
        out.append(contentsOf: ",\"timestamp\":\(timestampMillis),\"records\":[".utf8)
        for (i, record) in records.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "{\"data\":\"".utf8)
            out.append(contentsOf: Base64.encode(record).utf8)
            out.append(contentsOf: "\"}".utf8)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// True when `bytes` is a JSON object with both `requestId` and `records` members at the top
    /// level (a cheap structural scan; nothing is decoded).
    static func looksLikeDelivery(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        var sawId = false, sawRecords = false
        return JSONScanner.scanTopLevelKeys(buffer) { s, key in
            if s.tokenEquals(key, "requestId") { sawId = true }
            if s.tokenEquals(key, "records") { sawRecords = true }
            return sawId && sawRecords
        }
    }

    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, limits: FirehoseDeliveryLimits) throws(FirehoseDeliveryError) -> FirehoseDelivery {
        var s = JSONScanner(buffer)
        do {
            return try parseObject(&s, limits: limits)
        } catch let error as FirehoseDeliveryError {
            throw error
        } catch let error as JSONParseError {
            throw .malformedJSON(offset: error.offset, message: error.message)
        } catch {
            throw .malformedJSON(offset: s.pos, message: "\(error)")
        }
    }

    private static func parseObject(_ s: inout JSONScanner, limits: FirehoseDeliveryLimits) throws -> FirehoseDelivery {
        guard let first = s.peek() else { throw JSONParseError(offset: 0, message: "empty body") }
        guard first == UInt8(ascii: "{") else {
            try s.skipValue(depth: 0, maxDepth: 64)  // not JSON at all → malformedJSON
            throw FirehoseDeliveryError.wrongType(field: "(body)")
        }
        s.pos += 1
        var requestID: String?
        var timestamp: Int64?
        var records: [[UInt8]]?
        var recordCount = 0
        if s.peek() != UInt8(ascii: "}") {
            while true {
                let keyStart = s.pos
                let key = try s.expectString("object key")
                try s.expect(UInt8(ascii: ":"), "':'")
                if s.tokenEquals(key, "requestId") {
                    guard requestID == nil else { throw s.error("duplicate field \"requestId\"", at: keyStart) }
                    guard s.peek() == 0x22 else { throw FirehoseDeliveryError.wrongType(field: "requestId") }
                    requestID = try s.string(try s.scanString())
                } else if s.tokenEquals(key, "timestamp") {
                    guard timestamp == nil else { throw s.error("duplicate field \"timestamp\"", at: keyStart) }
                    guard let c = s.peek(), c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) else {
                        throw FirehoseDeliveryError.wrongType(field: "timestamp")
                    }
                    guard let ms = try s.scanNumber().int64Value else { throw FirehoseDeliveryError.wrongType(field: "timestamp") }
                    timestamp = ms
                } else if s.tokenEquals(key, "records") {
                    guard records == nil else { throw s.error("duplicate field \"records\"", at: keyStart) }
                    guard s.peek() == UInt8(ascii: "[") else { throw FirehoseDeliveryError.wrongType(field: "records") }
                    let parsed = try parseRecords(&s, limits: limits)
                    records = parsed.records
                    recordCount = parsed.count
                } else {
                    try s.skipValue(depth: 1, maxDepth: 64)
                }
                if try s.endOfElement(close: UInt8(ascii: "}")) { break }
            }
        } else {
            s.pos += 1
        }
        if s.peek() != nil { throw s.error("unexpected data after the JSON document") }
        guard let requestID else { throw FirehoseDeliveryError.missingField("requestId") }
        guard let timestamp else { throw FirehoseDeliveryError.missingField("timestamp") }
        guard let records else { throw FirehoseDeliveryError.missingField("records") }
        if recordCount > limits.maxRecords { throw FirehoseDeliveryError.tooManyRecords(count: recordCount, limit: limits.maxRecords) }
        return FirehoseDelivery(requestID: requestID, timestampMillis: timestamp, records: records)
    }

    /// Parses `[{"data": "..."}, ...]`. Past `maxRecords`, elements are only counted (skipped),
    /// so the error can report the real count without decoding anything more.
    private static func parseRecords(_ s: inout JSONScanner, limits: FirehoseDeliveryLimits) throws -> (records: [[UInt8]], count: Int) {
        s.pos += 1  // '['
        var records: [[UInt8]] = []
        var index = 0
        if s.peek() == UInt8(ascii: "]") { s.pos += 1; return ([], 0) }
        while true {
            if index >= limits.maxRecords {
                try s.skipValue(depth: 2, maxDepth: 64)
            } else {
                records.append(try parseRecord(&s, index: index, limits: limits))
            }
            index += 1
            if try s.endOfElement(close: UInt8(ascii: "]")) { return (records, index) }
        }
    }

    private static func parseRecord(_ s: inout JSONScanner, index: Int, limits: FirehoseDeliveryLimits) throws -> [UInt8] {
        guard s.peek() == UInt8(ascii: "{") else { throw FirehoseDeliveryError.wrongType(field: "records[\(index)]") }
        s.pos += 1
        var data: [UInt8]?
        if s.peek() != UInt8(ascii: "}") {
            while true {
                let key = try s.expectString("object key")
                try s.expect(UInt8(ascii: ":"), "':'")
                if s.tokenEquals(key, "data") {
                    guard data == nil else { throw s.error("duplicate field \"data\" in records[\(index)]") }
                    guard s.peek() == 0x22 else { throw FirehoseDeliveryError.wrongType(field: "records[\(index)].data") }
                    let token = try s.scanString()
                    data = try decodeData(s, token, index: index, limits: limits)
                } else {
                    try s.skipValue(depth: 3, maxDepth: 64)
                }
                if try s.endOfElement(close: UInt8(ascii: "}")) { break }
            }
        } else {
            s.pos += 1
        }
        guard let data else { throw FirehoseDeliveryError.missingField("records[\(index)].data") }
        return data
    }

    private static func decodeData(_ s: JSONScanner, _ token: JSONStringToken, index: Int, limits: FirehoseDeliveryLimits) throws -> [UInt8] {
        switch try Base64.decode(s, token, maxBytes: limits.maxRecordBytes) {
        case .bytes(let bytes): return bytes
        case .invalid: throw FirehoseDeliveryError.invalidBase64(recordIndex: index)
        case .tooLarge(let size): throw FirehoseDeliveryError.recordTooLarge(recordIndex: index, size: size, limit: limits.maxRecordBytes)
        }
    }
}
