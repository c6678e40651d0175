import Testing
@testable import FirebreakLogs

@Suite struct CloudWatchLogsTests {
    /// aws-sam-cli's Firehose event re-wrapped as an HTTP endpoint request (Apache-2.0):
    /// 1 CONTROL_MESSAGE + 3 DATA_MESSAGEs with 3 events each.
    @Test func samCliDeliveryMatchesExpectedDecoding() throws {
        let body = try TestData.bytes("firehose/aws-sam-cli/derived_firehose_http_request.json")
        let expected = try TestData.json("firehose/aws-sam-cli/derived_expected_decoded.json")
        let delivery = try FirehoseDelivery.parse(body)
        #expect(delivery.requestID == "a7234216-12b6-4bc0-96d7-82606c0e80cf")
        #expect(delivery.timestampMillis == 1510254469499)
        #expect(delivery.records.count == 4)

        let decoder = RecordDecoder()
        var all = RecordDecodeResult()
        for (index, record) in delivery.records.enumerated() {
            #expect(Gzip.hasMagic(record))
            let result = try decoder.decode(record: record, index: index)
            #expect(result.decompressedBytes > record.count)
            all.merge(result)
        }
        #expect(all.controlMessages == 1)
        #expect(all.issues.isEmpty)
        #expect(all.events.count == 9)

        // Same answer through decodeFile (the `firebreak decode` path), gzip'd body or not.
        let viaFile = try decoder.decodeFile(body)
        #expect(viaFile.events.count == 9 && viaFile.controlMessages == 1)
        #expect(try decoder.decodeFile(Gzip.compress(body)).events.count == 9)

        var expectedEvents: [(Int, JSONValue, JSONValue)] = []
        for (index, record) in (expected["decoded_records"]?.arrayValue ?? []).enumerated() {
            guard let decoded = record["decoded"], decoded["messageType"] == .string("DATA_MESSAGE") else { continue }
            for event in decoded["logEvents"]?.arrayValue ?? [] { expectedEvents.append((index, decoded, event)) }
        }
        #expect(expectedEvents.count == 9)
        for (event, (index, message, logEvent)) in zip(all.events, expectedEvents) {
            #expect(event.context.recordIndex == index)
            #expect(event.context.logGroup == message["logGroup"]?.stringValue)
            #expect(event.context.logStream == message["logStream"]?.stringValue)
            #expect(event.context.owner == message["owner"]?.stringValue)
            #expect(event.context.cloudWatchEventID == logEvent["id"]?.stringValue)
            #expect(event.context.timestampMillis == logEvent["timestamp"]?.int64Value)
            guard case .text(let text) = event.event else { Issue.record("expected text, got \(event.event.kind)"); continue }
            #expect(text == logEvent["message"]?.stringValue)
        }
        let line = all.events[0].jsonLine()
        #expect(line == #"{"type":"text","recordIndex":1,"logGroup":"copy-cwl-lambda-invoke-input-1510254365531-LogGroup-17Q1WBYO69X0L","logStream":"copy-cwl-lambda-invoke-input-1510254365531-LogStream1-18OE12E2F8CE7","owner":"263868185958","cloudWatchEventId":"33679800144697422554415395414062324420037086717597843456","timestamp":1510254471089,"event":"8499846a-88c1-4fb3-bfca-117ec023c5c3"}"#)
    }

    /// A delivery's events are kept as one array per record (the control message adds none): indexing across
    /// records, iterating and the record order agree.
    @Test func aDeliverysEventsAreOneChunkPerRecord() throws {
        let body = try TestData.bytes("firehose/aws-sam-cli/derived_firehose_http_request.json")
        let result = try RecordDecoder().decodeRecords(of: FirehoseDelivery.parse(body))
        let events = result.events
        #expect(events.chunks.map(\.count) == [3, 3, 3])
        #expect(events.count == 9 && events.startIndex == 0 && events.endIndex == 9)
        let iterated = Array(events)
        let indexed = (0..<events.count).map { events[$0] }
        #expect(iterated.map(\.context.cloudWatchEventID) == indexed.map(\.context.cloudWatchEventID))
        #expect(iterated.map(\.context.cloudWatchEventID) == events.chunks.joined().map(\.context.cloudWatchEventID))
        #expect(Set(indexed.compactMap(\.context.cloudWatchEventID)).count == 9)
        #expect(indexed.map(\.context.recordIndex) == [1, 1, 1, 2, 2, 2, 3, 3, 3])

        var both = events
        both.append(contentsOf: events)
        both.append(chunk: [])
        #expect(both.chunks.count == 6 && both.count == 18)
        #expect(both[12].context.cloudWatchEventID == events[3].context.cloudWatchEventID)
        #expect(both.last?.context.cloudWatchEventID == events.last?.context.cloudWatchEventID)
        #expect(DecodedEvents().isEmpty && Array(DecodedEvents()).isEmpty)
    }

    static func payload(logGroup: String, messages: [String], messageType: String = "DATA_MESSAGE") -> [UInt8] {
        var events: [JSONValue] = []
        for (i, m) in messages.enumerated() {
            events.append(.object(JSONObject([("id", .string("3748057945849084151041793567095891173822327452915335168\(i)")),
                                              ("timestamp", .int(1_700_000_000_000 + Int64(i))),
                                              ("message", .string(m))])))
        }
        let doc = JSONValue.object(JSONObject([
            ("messageType", .string(messageType)), ("owner", .string("123456789012")),
            ("logGroup", .string(logGroup)), ("logStream", .string("eni-0a1b2c3d4e5f60718-all")),
            ("subscriptionFilters", .array([.string("to-firehose")])), ("logEvents", .array(events)),
        ]))
        return Gzip.compress(Array(doc.serialized().utf8))
    }

    @Test func flowLogsThroughCloudWatchLogsWithConfiguredFormat() throws {
        let format = try FlowLogFormat(parsing: "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} ${instance-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${region} ${az-id} ${sublocation-type} ${sublocation-id} ${pkt-src-aws-service} ${pkt-dst-aws-service} ${flow-direction} ${traffic-path}")
        let config = DecoderConfiguration(flowLogFormats: [FlowLogFormatRule(logGroupPrefix: "/vpc/custom", format: format)])
        let messages = [
            "5 123456789012 eni-0a1b2c3d4e5f60718 192.0.2.10 203.0.113.77 40222 443 6 4210 5872301 1700000100 1700000160 ACCEPT OK vpc-0f1e2d3c4b5a69788 subnet-0a9b8c7d6e5f40312 i-0123456789abcdef0 19 IPv4 192.0.2.10 203.0.113.77 us-east-1 use1-az4 - - - - egress 8",
            "5 123456789012 eni-0a1b2c3d4e5f60718 2001:db8::10 2001:db8::77 40222 443 6 1 2 1700000100 1700000160 REJECT OK vpc-0f1e2d3c4b5a69788 subnet-0a9b8c7d6e5f40312 i-0123456789abcdef0 2 IPv6 2001:db8::10 2001:db8::77 us-east-1 use1-az4 - - - - ingress -",
            "5 123456789012 eni-0a1b2c3d4e5f60718 192.0.2.10 not-an-ip 40222 443 6 1 2 1700000100 1700000160 REJECT OK vpc-0f1e2d3c4b5a69788 subnet-0a9b8c7d6e5f40312 i-0123456789abcdef0 2 IPv6 2001:db8::10 2001:db8::77 us-east-1 use1-az4 - - - - ingress -",
            "5 only a few fields",
        ]
        let decoder = RecordDecoder(configuration: config)
        let result = try decoder.decode(record: Self.payload(logGroup: "/vpc/custom-flows", messages: messages), index: 7)
        let flows = result.flowRecords
        #expect(flows.count == 2)
        #expect(flows[0].bytes == 5872301)
        #expect(flows[0].trafficPath == 8)
        #expect(flows[0].flowDirection == .egress)
        #expect(flows[0].dstaddr == IPAddress("203.0.113.77"))
        #expect(flows[1].srcaddr?.description == "2001:db8::10")
        #expect(flows[1].trafficPath == nil)
        #expect(result.events[1].context.cloudWatchEventID == "37480579458490841510417935670958911738223274529153351681")
        #expect(result.events[1].context.timestampMillis == 1_700_000_000_001)
        #expect(result.events[1].context.logGroup == "/vpc/custom-flows")
        #expect(result.issues.map(\.kind) == [.flowLine, .flowLine])
        #expect(result.issues.map(\.line) == [2, 3])  // logEvents indexes
        #expect(result.issues.allSatisfy { $0.recordIndex == 7 })
        #expect(result.issues[0].message.contains("field 5 (dstaddr)"))

        // Another log group: no configured format, so only default-v2 lines are flow records.
        let other = try decoder.decode(record: Self.payload(logGroup: "/other", messages: messages + [
            "2 123456789012 eni-0a1b2c3d4e5f60718 198.51.100.23 192.0.2.10 51514 22 6 3 180 1700000100 1700000160 REJECT OK",
        ]), index: 0)
        #expect(other.events.map(\.event.kind) == [.text, .text, .text, .text, .vpcFlow])
        let line = other.events[4].jsonLine()
        #expect(line.hasPrefix(#"{"type":"vpcflow","recordIndex":0,"logGroup":"/other","logStream":"eni-0a1b2c3d4e5f60718-all","owner":"123456789012","cloudWatchEventId":"#))
        #expect(line.hasSuffix(#""event":{"version":2,"account-id":"123456789012","interface-id":"eni-0a1b2c3d4e5f60718","srcaddr":"198.51.100.23","dstaddr":"192.0.2.10","srcport":51514,"dstport":22,"protocol":6,"packets":3,"bytes":180,"start":1700000100,"end":1700000160,"action":"REJECT","log-status":"OK"}}"#))
    }

    @Test func controlMessagesAreCountedAndIgnored() throws {
        let result = try RecordDecoder().decode(record: Self.payload(logGroup: "", messages: ["CWL CONTROL MESSAGE: Checking health of destination Firehose."], messageType: "CONTROL_MESSAGE"), index: 0)
        #expect(result.controlMessages == 1)
        #expect(result.events.isEmpty && result.issues.isEmpty)
    }

    @Test func malformedMessagesAreIssuesNotFailures() throws {
        let payload = #"{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","logEvents":[{"id":"1","timestamp":1,"message":"{\"broken\": "},{"id":"2","timestamp":2},{"id":"3","timestamp":3,"message":"ok"},{"id":"4","timestamp":4,"message":5}]}"#
        let result = try RecordDecoder().decode(record: Array(payload.utf8), index: 2)
        #expect(result.events.count == 1)
        #expect(result.issues.map(\.kind) == [.json, .cloudWatchLogs, .cloudWatchLogs])
        #expect(result.issues.map(\.line) == [0, 1, 3])

        // logEvents before the header members (legal JSON): decoded after the header is known.
        let reordered = #"{"logEvents":[{"id":"1","timestamp":1,"message":"hi"}],"logStream":"s","messageType":"DATA_MESSAGE","owner":"1","logGroup":"g"}"#
        let r2 = try RecordDecoder().decode(record: Array(reordered.utf8), index: 0)
        #expect(r2.events.first?.context.logGroup == "g")

        // Truncated JSON after some events: the events so far are kept, plus an issue.
        let truncated = String(payload.prefix(payload.count - 30))
        let r3 = try RecordDecoder().decode(record: Array(truncated.utf8), index: 0)
        #expect(r3.issues.last?.kind == .json)

        let unknown = try RecordDecoder().decode(record: Self.payload(logGroup: "g", messages: ["x"], messageType: "NEW_KIND"), index: 0)
        #expect(unknown.issues.map(\.kind) == [.cloudWatchLogs])
    }

    @Test func corruptAndBombRecordsThrowWithTheRecordIndex() throws {
        var gz = Self.payload(logGroup: "g", messages: ["a", "b"])
        gz[gz.count - 7] ^= 0x55
        #expect { try RecordDecoder().decode(record: gz, index: 5) } throws: { error in
            guard case RecordDecodeError.gzip(recordIndex: 5, .corrupt) = error as! RecordDecodeError else { return false }
            return (error as! RecordDecodeError).message.hasPrefix("record 5:")
        }
        #expect(throws: RecordDecodeError.gzip(recordIndex: 1, .truncated)) {
            try RecordDecoder().decode(record: Array(gz.prefix(20)), index: 1)
        }
        let bomb = Gzip.compress([UInt8](repeating: 0x20, count: 4 << 20), level: 9)
        #expect(throws: RecordDecodeError.gzip(recordIndex: 9, .compressionRatioExceeded(limit: 1000))) {
            try RecordDecoder().decode(record: bomb, index: 9)
        }
        let sized = DecoderConfiguration(maxDecompressedBytes: 1 << 20)
        #expect(throws: RecordDecodeError.gzip(recordIndex: 0, .outputLimitExceeded(limit: 1 << 20))) {
            try RecordDecoder(configuration: sized).decode(record: bomb, index: 0)
        }
        // Gzip inside gzip is decompressed once only.
        let nested = try RecordDecoder().decode(record: Gzip.compress(Gzip.compress(Array("hi".utf8))), index: 0)
        #expect(nested.issues.map(\.kind) == [.nestedCompression])
    }
}
