import Testing
@testable import FirebreakLogs

@Suite struct FirehoseDeliveryTests {
    func body(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func parsesValidBody() throws {
        let d = try FirehoseDelivery.parse(body(#"{"requestId":"ed4d", "timestamp": 1578090901599, "extra":{"x":[1]}, "records":[{"data":"aGVsbG8="},{"data":""},{"data":"YQ=="},{"data":"YWI="},{"data":"Zm9v\/A=="}]}"#))
        #expect(d.requestID == "ed4d")
        #expect(d.timestampMillis == 1578090901599)
        #expect(d.records == [Array("hello".utf8), [], Array("a".utf8), Array("ab".utf8), Array("foo".utf8) + [0xfc]])
    }

    @Test func roundTripsThroughJSONBody() throws {
        let records: [[UInt8]] = [[0, 1, 2, 255], Array(repeating: 0xAB, count: 1000), []]
        let d = FirehoseDelivery(requestID: "r\"1", timestampMillis: 5, records: records)
        let parsed = try FirehoseDelivery.parse(d.jsonBody())
        #expect(parsed.records == records)
        #expect(parsed.requestID == "r\"1")
    }

    @Test(arguments: [
        (#"{"requestId":"a","timestamp":1,"records":[{"data":"aGVsbG8="}"#, "malformed"),
        (#"not json"#, "malformed"),
        (#"{"requestId":"a","requestId":"b","timestamp":1,"records":[]}"#, "malformed"),
        (#"{"timestamp":1,"records":[]}"#, "missing:requestId"),
        (#"{"requestId":"a","records":[]}"#, "missing:timestamp"),
        (#"{"requestId":"a","timestamp":1}"#, "missing:records"),
        (#"{"requestId":"a","timestamp":1,"records":[{"date":"YQ=="}]}"#, "missing:records[0].data"),
        (#"{"requestId":7,"timestamp":1,"records":[]}"#, "type:requestId"),
        (#"{"requestId":"a","timestamp":"1","records":[]}"#, "type:timestamp"),
        (#"{"requestId":"a","timestamp":1.5,"records":[]}"#, "type:timestamp"),
        (#"{"requestId":"a","timestamp":1,"records":{}}"#, "type:records"),
        (#"{"requestId":"a","timestamp":1,"records":["YQ=="]}"#, "type:records[0]"),
        (#"{"requestId":"a","timestamp":1,"records":[{"data":"YQ=="},{"data":null}]}"#, "type:records[1].data"),
        (#"[]"#, "type:(body)"),
    ])
    func reportsEachError(input: String, expected: String) {
        #expect { try FirehoseDelivery.parse(body(input)) } throws: { error in
            guard let e = error as? FirehoseDeliveryError else { return false }
            switch (e, expected) {
            case (.malformedJSON(_, let m), "malformed"): return !m.isEmpty
            case (.missingField(let f), _): return expected == "missing:" + f
            case (.wrongType(let f), _): return expected == "type:" + f
            default: return false
            }
        }
    }

    @Test(arguments: ["YQ=", "Y===", "YQ==YQ==", "Y Q==", "YR==", "YWJ=", "####", "YWJj\\n", "YQ"])
    func invalidBase64NamesTheRecord(data: String) {
        let input = #"{"requestId":"a","timestamp":1,"records":[{"data":"YQ=="},{"data":"YQ=="},{"data":"\#(data)"}]}"#
        #expect(throws: FirehoseDeliveryError.invalidBase64(recordIndex: 2)) { try FirehoseDelivery.parse(body(input)) }
        #expect(FirehoseDeliveryError.invalidBase64(recordIndex: 2).message.contains("record 2"))
    }

    @Test func tooManyRecords() throws {
        let records = Array(repeating: #"{"data":"YQ=="}"#, count: 12).joined(separator: ",")
        let input = body(#"{"requestId":"a","timestamp":1,"records":[\#(records)]}"#)
        #expect(throws: FirehoseDeliveryError.tooManyRecords(count: 12, limit: 10)) {
            try FirehoseDelivery.parse(input, limits: FirehoseDeliveryLimits(maxRecords: 10))
        }
        #expect(try FirehoseDelivery.parse(input, limits: FirehoseDeliveryLimits(maxRecords: 12)).records.count == 12)
    }

    @Test func recordTooLargeIsCheckedBeforeDecoding() {
        let big = Base64.encode([UInt8](repeating: 1, count: 3001))
        let input = body(#"{"requestId":"a","timestamp":1,"records":[{"data":"YQ=="},{"data":"\#(big)"}]}"#)
        #expect(throws: FirehoseDeliveryError.recordTooLarge(recordIndex: 1, size: 3001, limit: 3000)) {
            try FirehoseDelivery.parse(input, limits: FirehoseDeliveryLimits(maxRecordBytes: 3000))
        }
        #expect(FirehoseDeliveryError.recordTooLarge(recordIndex: 1, size: 3001, limit: 3000).message.contains("record 1"))
    }
}
