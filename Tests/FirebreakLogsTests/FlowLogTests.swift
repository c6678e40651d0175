import Testing
@testable import FirebreakLogs

@Suite struct FlowLogTests {
    struct Example {
        var section: String
        var format: FlowLogFormat
        var line: String
    }

    /// The 28 example records of the VPC User Guide ("Flow log record examples", CC-BY-SA-4.0).
    /// Two documentation artifacts are handled here, not in the parser: a trailing
    /// `#comment` on the NAT-gateway lines (the doc's annotation, stripped), and a `...` line
    /// standing for omitted records in the transit-gateway example (checked to be rejected).
    static func examples() throws -> (examples: [Example], ellipses: Int) {
        let doc = try TestData.json("vpcflow/aws-vpc-user-guide/flow-logs-records-examples.extracted.json")
        var out: [Example] = []
        var ellipses = 0
        for example in doc["examples"]?.arrayValue ?? [] {
            let formatText = example["format"]?.stringValue ?? ""
            let format: FlowLogFormat
            if formatText.hasPrefix("default v2:") {
                format = .defaultV2
                #expect(try FlowLogFormat(parsing: String(formatText.dropFirst("default v2:".count))) == .defaultV2)
            } else {
                format = try FlowLogFormat(parsing: formatText)
            }
            for record in example["records"]?.arrayValue ?? [] {
                var line = record.stringValue ?? ""
                if line == "..." { ellipses += 1; continue }
                if let hash = line.firstIndex(of: "#") { line = String(line[..<hash]) }
                out.append(Example(section: example["section"]?.stringValue ?? "", format: format, line: line))
            }
        }
        return (out, ellipses)
    }

    /// A finding's event is written straight from the line (`writeJSON`): byte for byte what the tree renders, for every
    /// documented example and for tokens that need escaping, unknown fields, `-`, IPv6 and counters past Int64.
    @Test func flowRecordsWriteTheSameJSONAsTheirTree() throws {
        var records = try Self.examples().examples.map { try FlowLogParser(format: $0.format).parse($0.line) }
        let custom = try FlowLogFormat(parsing: "version srcaddr dstaddr srcport dstport protocol packets bytes action my-field ecs-task-id")
        for line in ["2 10.0.0.1 10.0.0.2 1 2 6 18446744073709551615 3 ACCEPT quo\"te\\back\u{1}ctl -",
                     "2 2001:db8::1 2001:db8::2 - - - - - REJECT é漢🙂 task/1",
                     "- - - - - - - - - - -"] {
            records.append(try FlowLogParser(format: custom).parse(line))
        }
        for record in records {
            var direct: [UInt8] = []
            record.writeJSON(into: &direct)
            var tree: [UInt8] = []
            record.jsonObject().write(into: &tree)
            #expect(direct == tree, "\(record.line)")
            #expect(LogEvent.flow(record).jsonText() == String(decoding: tree, as: UTF8.self))
        }
    }

    @Test func everyDocumentedExampleParses() throws {
        let (examples, ellipses) = try Self.examples()
        #expect(examples.count + ellipses == 28)
        #expect(ellipses == 1)
        for example in examples {
            let record = try FlowLogParser(format: example.format).parse(example.line)
            let tokens = example.line.split(whereSeparator: { $0 == " " }).map(String.init)
            #expect(tokens.count == example.format.count, "\(example.line)")
            for (column, name) in example.format.fieldNames.enumerated() {
                let token = tokens[column]
                let value = record.field(name)
                if token == "-" {
                    #expect(value == nil, "\(name) in \(example.line)")
                } else {
                    #expect(value?.description == token, "\(name) in \(example.line)")
                }
            }
            // The JSON rendering has every field of the format under its AWS name.
            #expect(record.jsonObject().objectValue?.keys == example.format.fieldNames)
        }
        // The ellipsis line is not a flow record.
        #expect(throws: FlowLineError.fieldCount(expected: 17, found: 1)) {
            try FlowLogParser(format: FlowLogFormat(parsing: "version interface-id account-id vpc-id subnet-id instance-id srcaddr dstaddr srcport dstport protocol tcp-flags type pkt-srcaddr pkt-dstaddr action log-status")).parse("...")
        }
    }

    /// The records of one buffer share one source (bytes and format) by reference; another buffer has its own.
    @Test func recordsOfOneBufferShareOneSource() throws {
        let lines = """
            2 123456789012 eni-0a1b2c3d 10.0.1.5 198.51.100.7 49152 443 6 10 840 1700000000 1700000060 ACCEPT OK
            2 123456789012 eni-0a1b2c3d 10.0.1.5 198.51.100.8 49153 8443 6 3 180 1700000000 1700000060 REJECT OK
            2 123456789012 eni-0a1b2c3d 10.0.1.5 198.51.100.9 49154 22 6 1 40 1700000000 1700000060 REJECT OK

            """
        let first = try RecordDecoder().decodeFile(Array(lines.utf8)).flowRecords
        let second = try RecordDecoder().decodeFile(Array(lines.utf8)).flowRecords
        try #require(first.count == 3 && second.count == 3)
        #expect(first[0].source === first[1].source && first[1].source === first[2].source)
        #expect(first[0].source !== second[0].source)
        #expect(first.map { $0.dstport } == [443, 8443, 22])
    }

    /// A field's ordinal (the index of its column slot) is its place in `allCases`, for every field.
    @Test func fieldOrdinalsArePositionsInAllCases() {
        for (index, field) in FlowLogField.allCases.enumerated() {
            #expect(field.ordinal == index, "\(field.rawValue)")
        }
    }

    @Test func defaultV2Accepted() throws {
        let r = try FlowLogParser().parse("2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK")
        #expect(r.version == 2)
        #expect(r.accountID == "123456789010")
        #expect(r.interfaceID == "eni-1235b8ca123456789")
        #expect(r.srcaddr == IPAddress("172.31.16.139"))
        #expect(r.srcaddr?.ipv4Value == 0xAC1F108B)
        #expect(r.dstaddr?.description == "172.31.16.21")
        #expect(r.srcport == 20641)
        #expect(r.dstport == 22)
        #expect(r.protocolNumber == 6)
        #expect(r.packets == 20)
        #expect(r.bytes == 4249)
        #expect(r.start == 1418530010)
        #expect(r.end == 1418530070)
        #expect(r.action == .accept)
        #expect(r.logStatus == .ok)
        #expect(r.vpcID == nil)  // not in the format
        #expect(r.jsonObject().serialized() == #"{"version":2,"account-id":"123456789010","interface-id":"eni-1235b8ca123456789","srcaddr":"172.31.16.139","dstaddr":"172.31.16.21","srcport":20641,"dstport":22,"protocol":6,"packets":20,"bytes":4249,"start":1418530010,"end":1418530070,"action":"ACCEPT","log-status":"OK"}"#)
    }

    @Test func noDataAndSkipDataHaveAbsentFields() throws {
        for (line, status) in [("2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA", FlowLogStatus.noData),
                               ("2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA", .skipData)] {
            let r = try FlowLogParser().parse(line)
            #expect(r.logStatus == status)
            #expect(r.srcaddr == nil && r.dstaddr == nil && r.srcport == nil && r.dstport == nil)
            #expect(r.protocolNumber == nil && r.packets == nil && r.bytes == nil && r.action == nil)
            #expect(r.start == 1431280876 && r.end == 1431280934)
            #expect(r.jsonObject()["srcaddr"] == .null)
        }
    }

    @Test func ipv6Addresses() throws {
        let r = try FlowLogParser().parse("2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK")
        #expect(r.srcaddr?.isIPv4 == false)
        #expect(r.srcaddr == IPAddress(high: 0x2001_0db8_1234_a100, low: 0x8d6e_3477_df66_f105))
        #expect(r.dstaddr?.description == "2001:db8:1234:a102:3304:8879:34cf:4071")
    }

    @Test(arguments: [
        ("::", "::"), ("::1", "::1"), ("2001:db8::", "2001:db8::"), ("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("::ffff:192.0.2.1", "192.0.2.1"), ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"), ("0.0.0.0", "0.0.0.0"),
        ("255.255.255.255", "255.255.255.255"), ("fe80::1:2:3:4:5", "fe80::1:2:3:4:5"), ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("10.0.100.9", "10.0.100.9"), ("100.64.10.1", "100.64.10.1"), ("9.99.199.0", "9.99.199.0"),
    ])
    func ipAddressParsingAndCanonicalText(input: String, expected: String) {
        #expect(IPAddress(input)?.description == expected)
    }

    @Test func everyIPv4OctetIsWrittenAsItWasRead() {
        for octet in 0...255 {
            for text in ["\(octet).\(255 - octet).\(octet / 3).7", "0.\(octet).10.\(octet)"] {
                #expect(IPAddress(text)?.description == text)
            }
        }
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9",
                      "12345::", "fe80::1%eth0", "1:2:3:4:5:6:7", ":1:2", "1:2:", "::1.2.3", "g::1", "1.2.3.4 "])
    func invalidIPAddresses(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func version5FieldsAreTyped() throws {
        let format = try FlowLogFormat(parsing: "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status")
        let r = try FlowLogParser(format: format).parse("5 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 IPv4 7 471 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 3 10.0.0.71 52.95.128.179 - S3 8 egress OK")
        #expect(r.version == 5)
        #expect(r.trafficType == .ipv4)
        #expect(r.tcpFlags == 3)
        #expect(r.pktSrcaddr == IPAddress("10.0.0.71"))
        #expect(r.pktSrcAWSService == nil)
        #expect(r.pktDstAWSService == "S3")
        #expect(r.trafficPath == 8)
        #expect(r.flowDirection == .egress)
        #expect(r.region == "ap-southeast-2")
        #expect(r.azID == "apse2-az3")
        #expect(r.string(.sublocationType) == nil)
        #expect(r.vpcID == "vpc-abcdefab012345678")
        #expect(r.subnetID == "subnet-aaaaaaaa012345678")
        #expect(r.instanceID == "i-0c50d5961bcb2d47b")
        #expect(r.field("flow-direction") == .flowDirection(.egress))
        #expect(r.field("traffic-path") == .integer(8))
        #expect(r.value(of: .bytes) == .unsigned(471))
    }

    @Test func customFormatWithECSAndUnknownFields() throws {
        let format = try FlowLogFormat(parsing: "${version} ${srcaddr} ${dstaddr} ${dstport} ${action} ${ecs-cluster-name} ${ecs-cluster-arn} ${ecs-container-instance-id} ${ecs-task-id} ${ecs-service-name} ${resource-id} ${encryption-status} ${reject-reason}")
        #expect(format.count == 13)
        #expect(format.description.hasPrefix("${version} ${srcaddr}"))
        let r = try FlowLogParser(format: format).parse("7 192.0.2.10 198.51.100.1 443 REJECT prod arn:aws:ecs:us-east-1:123456789012:cluster/prod - 0123456789abcdef web vpce-0abc 1 BPA")
        #expect(r.version == 7)
        #expect(r.action == .reject)
        #expect(r.field("ecs-cluster-name") == .string("prod"))
        #expect(r.string(.ecsClusterARN) == "arn:aws:ecs:us-east-1:123456789012:cluster/prod")
        #expect(r.field("ecs-container-instance-id") == nil)  // "-" on Fargate
        #expect(r.string(.ecsTaskID) == "0123456789abcdef")
        #expect(r.field("resource-id") == .string("vpce-0abc"))      // unknown field, kept by name
        #expect(r.field("encryption-status") == .string("1"))
        #expect(r.field("reject-reason") == .string("BPA"))
        #expect(r.field("no-such-field") == nil)
        #expect(r.jsonObject()["resource-id"] == .string("vpce-0abc"))
    }

    @Test func formatErrors() {
        #expect(throws: FlowLogFormatError.empty) { try FlowLogFormat(parsing: "  ") }
        #expect(throws: FlowLogFormatError.duplicateField("srcaddr")) { try FlowLogFormat(parsing: "${srcaddr} ${srcaddr}") }
        #expect(throws: FlowLogFormatError.invalidToken("${srcaddr")) { try FlowLogFormat(parsing: "${srcaddr") }
        #expect(throws: FlowLogFormatError.invalidToken("Version")) { try FlowLogFormat(parsing: "Version") }
        #expect(throws: FlowLogFormatError.invalidToken("${}")) { try FlowLogFormat(parsing: "${}") }
    }

    @Test func malformedLinesAreReportedWithPosition() {
        let p = FlowLogParser()
        #expect(throws: FlowLineError.fieldCount(expected: 14, found: 13)) {
            try p.parse("2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT")
        }
        #expect(throws: FlowLineError.fieldCount(expected: 14, found: 15)) {
            try p.parse("2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK extra")
        }
        #expect(throws: FlowLineError.invalidValue(field: "srcport", column: 6, value: "65536")) {
            try p.parse("2 123456789010 eni-1 10.0.0.1 10.0.0.2 65536 2 6 1 1 1 1 ACCEPT OK")
        }
        #expect(throws: FlowLineError.invalidValue(field: "srcaddr", column: 4, value: "10.0.0.300")) {
            try p.parse("2 123456789010 eni-1 10.0.0.300 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK")
        }
        #expect(throws: FlowLineError.invalidValue(field: "bytes", column: 10, value: "99999999999999999999999")) {
            try p.parse("2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 99999999999999999999999 1 1 ACCEPT OK")
        }
        #expect(throws: FlowLineError.invalidValue(field: "action", column: 13, value: "MAYBE")) {
            try p.parse("2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 MAYBE OK")
        }
    }

    @Test func s3FileWithHeaderLineSetsTheFormat() throws {
        let text = """
        version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status
        3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK\r
        3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43416 10.0.0.62 52.213.180.42 6 376 7 1566848875 1566848933 ACCEPT 18 OK
        3 vpc-abcdefab012345678 too few fields

        3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv5 10.0.0.62 52.213.180.42 5001 43416 10.0.0.62 52.213.180.42 6 376 7 1566848875 1566848933 ACCEPT 18 OK
        3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43418 5001 52.213.180.42 10.0.0.62 6 100701 70 1566848875 1566848933 ACCEPT 2 OK

        """
        for bytes in [Array(text.utf8), Gzip.compress(Array(text.utf8))] {
            let result = try RecordDecoder().decodeFile(bytes)
            #expect(result.flowRecords.count == 3)
            #expect(result.flowRecords.map(\.tcpFlags) == [2, 18, 2])
            #expect(result.flowRecords[0].bytes == 568)
            #expect(result.flowRecords[0].line.hasSuffix("ACCEPT 2 OK"))  // \r stripped
            #expect(result.issues.map(\.kind) == [.flowLine, .flowLine])
            #expect(result.issues.map(\.line) == [4, 6])
            #expect(result.issues[0].message.contains("5 fields"))
            #expect(result.issues[1].message.contains("field 7 (type)"))
            #expect(result.events.count == 3)
        }
    }

    @Test func plainTextLinesWithDefaultV2Heuristic() throws {
        let text = "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\nhello world\n2 apples\n2 123456789010 eni-1 - - - - - - - 1 2 - BADSTATUS\n"
        let result = try RecordDecoder().decode(record: Array(text.utf8), index: 3)
        #expect(result.events.map(\.event.kind) == [.vpcFlow, .text, .text])
        #expect(result.events.map(\.context.recordIndex) == [3, 3, 3])
        #expect(result.issues == [DecodeIssue(kind: .flowLine, recordIndex: 3, line: 4, message: "flow log field 14 (log-status): invalid value \"BADSTATUS\"")])
    }

    @Test func overlongLinesAndEventLimitsAreIssues() throws {
        let line = "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"
        let text = String(repeating: "x", count: 200) + "\n" + String(repeating: line, count: 10)
        let config = DecoderConfiguration(maxLineBytes: 150, maxEventsPerRecord: 4)
        let result = try RecordDecoder(configuration: config).decode(record: Array(text.utf8), index: 0)
        #expect(result.events.count == 4)
        #expect(result.issues.map(\.kind) == [.lineTooLong, .tooManyEvents])
        #expect(result.issues.first?.line == 1)
    }

    /// A delivery's records decode into one result, each record within its own event limit and in record order.
    @Test func eachRecordOfADeliveryHasItsOwnEventLimit() throws {
        let line = "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"
        let delivery = FirehoseDelivery(requestID: "r", timestampMillis: 0,
                                        records: [Array(String(repeating: line, count: 3).utf8), Array(String(repeating: line, count: 6).utf8),
                                                  Array(line.utf8)])
        let config = DecoderConfiguration(maxEventsPerRecord: 4)
        let result = try RecordDecoder(configuration: config).decodeRecords(of: delivery)
        #expect(result.events.map(\.context.recordIndex) == [0, 0, 0, 1, 1, 1, 1, 2])
        #expect(result.issues.map(\.kind) == [.tooManyEvents])
        #expect(result.issues.first?.recordIndex == 1)
        #expect(result.decompressedBytes == 10 * line.utf8.count)
    }
}

@Suite struct FlowNumberParsingTests {
    @Test func numericFieldsOfEveryLengthParseExactly() throws {
        let format = try FlowLogFormat(parsing: "packets bytes start")
        var values: [UInt64] = [0, 1, 9, 10, 99_999_999, 100_000_000, 12_345_678_901, UInt64(Int64.max), UInt64.max]
        var rng = SystemRandomNumberGenerator()
        for digits in 1...19 {
            let upper = (0..<digits).reduce(UInt64(1)) { acc, _ in acc &* 10 }
            values.append(UInt64.random(in: 0..<upper, using: &rng))
        }
        for v in values {
            // start and end stop at 9999-12-31T23:59:59Z (times become milliseconds downstream).
            let start = min(v, 253_402_300_799)
            let r = try FlowLogParser(format: format).parse("\(v) \(v) \(start)")
            #expect(r.packets == v && r.bytes == v && r.start == Int64(start))
        }
        #expect(throws: FlowLineError.invalidValue(field: "bytes", column: 2, value: "18446744073709551616")) {
            try FlowLogParser(format: format).parse("1 18446744073709551616 1")
        }
        #expect(throws: FlowLineError.invalidValue(field: "start", column: 3, value: "9223372036854775808")) {
            try FlowLogParser(format: format).parse("1 1 9223372036854775808")
        }
        // The poison line of a real outage: `end` = 2^60 would overflow `end * 1000` downstream.
        for value in ["253402300800", "\(UInt64(1) << 60)", "9223372036854775807"] {
            #expect(throws: FlowLineError.invalidValue(field: "start", column: 3, value: value)) {
                try FlowLogParser(format: format).parse("1 1 \(value)")
            }
        }
        #expect(try FlowLogParser(format: format).parse("1 1 253402300799").start == 253_402_300_799)
        #expect(throws: FlowLineError.invalidValue(field: "packets", column: 1, value: "1234567x9")) {
            try FlowLogParser(format: format).parse("1234567x9 1 1")
        }
        #expect(throws: FlowLineError.invalidValue(field: "packets", column: 1, value: "12345678/")) {
            try FlowLogParser(format: format).parse("12345678/ 1 1")
        }
    }
}
