import Testing
@testable import FirebreakLogs

/// Objects of Firehose's S3 backup of failed HTTP endpoint deliveries: each error record's `rawData` is a delivery's
/// record, decoded as the endpoint decodes it.
@Suite struct FirehoseBackupTests {
    /// The records of aws-sam-cli's delivery (1 CloudWatch Logs control message + 3 data messages of 3 events each).
    private func samRecords() throws -> [[UInt8]] {
        try FirehoseDelivery.parse(TestData.bytes("firehose/aws-sam-cli/derived_firehose_http_request.json")).records
    }

    /// The records as Firehose writes them to the backup: one error record per line (the developer guide's example
    /// record, with each record's bytes in `rawData`).
    static func backupObject(_ records: [[UInt8]], separator: String = "\n") -> [UInt8] {
        let lines = records.enumerated().map { index, record in
            #"{"attemptsMade":5,"arrivalTimestamp":1594265943615,"errorCode":"HttpEndpoint.DestinationException","#
                + #""errorMessage":"Received the following response from the endpoint destination. {\"requestId\": "#
                + #"\"109777ac-8f9b-4082-8e8d-b4f12b5fc17b\", \"timestamp\": 1594266081268, \"errorMessage\": \"Unauthorized\"}","#
                + #""attemptEndingTimestamp":1594266081318,"rawData":""# + Base64.encode(record)
                + #"","subsequenceNumber":0,"dataId":"49607357361271740811418664280693044274821622880012337186.\#(index)"}"#
        }
        return Array((lines.joined(separator: separator) + "\n").utf8)
    }

    @Test func aBackupObjectDecodesLikeTheDeliveryItsRecordsCameFrom() throws {
        let records = try samRecords()
        let decoder = RecordDecoder()
        let delivery = try decoder.decodeRecords(of: FirehoseDelivery(requestID: "r", timestampMillis: 0, records: records))
        for object in [Self.backupObject(records), Gzip.compress(Self.backupObject(records)), Self.backupObject(records, separator: "")] {
            let backup = try decoder.decodeFile(object)
            #expect(backup.events.count == 9 && backup.controlMessages == 1 && backup.issues.isEmpty)
            #expect(backup.events.map { $0.jsonLine() } == delivery.events.map { $0.jsonLine() })
        }
        let parsed = try FirehoseBackup.parse(Self.backupObject(records))
        #expect(parsed.records == records)
        #expect(parsed.errorCodes == Array(repeating: "HttpEndpoint.DestinationException", count: 4))
    }

    @Test func plainRecordsAreRead() throws {
        let lines = "2 123456789012 eni-1 10.0.1.5 203.0.113.9 40000 4444 6 1 40 1700000000 1700000009 REJECT OK\n"
        let result = try RecordDecoder().decodeFile(Self.backupObject([Array(lines.utf8)]))
        #expect(result.events.count == 1)
        guard case .flow = result.events[0].event else {
            Issue.record("expected a flow record, got \(result.events[0].event.kind)")
            return
        }
    }

    @Test func onlyErrorRecordsAreTakenForABackup() {
        func looks(_ text: String) -> Bool {
            Array(text.utf8).withUnsafeBufferPointer { FirehoseBackup.looksLikeBackup($0) }
        }
        #expect(looks(#"{"attemptsMade":1,"rawData":"eA=="}"#))
        #expect(looks(#" {"errorCode":"Lambda.FunctionError","x":[1,{"y":2}],"rawData":"eA=="}"#))
        #expect(!looks(#"{"rawData":"eA=="}"#))                    // any JSON with a rawData field
        #expect(!looks(#"{"Records":[{"rawData":"eA==","errorCode":"x"}]}"#))
        #expect(!looks(#"["attemptsMade","rawData"]"#))
        #expect(!looks("2 123456789012 eni-1 ..."))
    }

    @Test func brokenBackupsAreTypedErrors() {
        func error(_ text: String) -> FirehoseBackupError? {
            do { _ = try FirehoseBackup.parse(Array(text.utf8)) } catch { return error }
            return nil
        }
        #expect(error(#"{"errorCode":"x","rawData":"eA=="}"# + "\n" + #"{"errorCode":"x"}"#) == .missingRawData(document: 1))
        #expect(error(#"{"errorCode":"x","rawData":"not base64!"}"#) == .invalidBase64(document: 0))
        #expect(error(#"{"errorCode":"x","rawData":42}"#) == .missingRawData(document: 0))
        if case .malformedJSON = error(#"{"errorCode":"x","rawData":"eA=="} {"#) {} else { Issue.record("expected malformedJSON") }
        let big = String(repeating: "A", count: 8)
        do {
            _ = try FirehoseBackup.parse(Array(#"{"errorCode":"x","rawData":"\#(big)"}"#.utf8), maxRecordBytes: 5)
            Issue.record("expected recordTooLarge")
        } catch {
            #expect(error == .recordTooLarge(document: 0, size: 6, limit: 5))
        }
        // Through decodeFile, as a record-level error naming the backup.
        do {
            _ = try RecordDecoder().decodeFile(Array(#"{"errorCode":"x","rawData":"%%%%"}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("Firehose backup record 0"))
        }
    }
}
