import Testing
@testable import FirebreakLogs

/// The structural index (`JSONTape`) against the parser it stands in for: the same documents accepted, the same tree
/// built from it, and a container's own bytes printed only when they are what serializing its tree writes.
@Suite struct JSONTapeTests {
    static func tape(_ text: String, maxDepth: Int = 128) -> JSONTape? {
        JSONTape.parse(Array(text.utf8), maxDepth: maxDepth)
    }

    /// Documents the parser accepts and refuses, including every kind of value, escapes, numbers at the edges and
    /// malformed input.
    static let documents: [String] = [
        #"{}"#, #"[]"#, #"{"a":1}"#, #" { "a" : [ 1 , 2 ] } "#, #"[1,2,3]"#, #""text""#, #"12"#, #"-0"#, #"0"#, #"-12.5e3"#,
        #"1E+2"#, #"true"#, #"false"#, #"null"#, #"{"a":{"b":{"c":[true,false,null]}}}"#,
        #"{"s":"a\"b\\c\/d\b\f\n\r\t"}"#, #"{"u":"\u00e9\u00E9\u001b\u001B\u007f\ud83d\ude00\ud800x"}"#,
        #"{"k\u0065y":1,"key":2}"#, #"{"a":1,"a":2}"#, #"{"big":123456789012345678901234567890}"#,
        #"{"n":9223372036854775807,"m":-9223372036854775808,"o":9223372036854775808}"#,
        #"{"d":1.0,"e":0.1,"f":1e400}"#, #"{"x":01}"#, #"{"x":1.}"#, #"{"x":.5}"#, #"{"x":-}"#, #"{"x":1e}"#,
        #"{"a":1,}"#, #"[1,]"#, #"{"a" 1}"#, #"{"a":1"#, #"[1"#, #"{"a":tru}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#,
        #"{"a":"\u12G4"}"#, "{\"a\":\"tab\there\"}", #"{} {}"#, #"{}x"#, "", "   ", #"{"a":"unterminated}"#, #"{1:2}"#,
        #"[{"Records":[{"eventName":"A"},{"eventName":"B"}]}]"#, "{\"del\":\"a\u{7f}b\"}", "{\"é\":\"ü€😀\"}",
    ]

    @Test func acceptsWhatTheParserAcceptsAndBuildsTheSameTree() throws {
        for text in Self.documents {
            let parsed = try? JSONParser().parse(text)
            let tape = Self.tape(text)
            #expect((parsed == nil) == (tape == nil), "\(text)")
            guard let parsed, let tape else { continue }
            #expect(tape.value(0) == parsed, "\(text)")
            #expect(tape.value(0).serialized() == parsed.serialized(), "\(text)")
        }
    }

    @Test func depthLimitIsTheParsers() {
        let deep = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        #expect(Self.tape(deep, maxDepth: 10) != nil)
        #expect(Self.tape(deep, maxDepth: 9) == nil)
        #expect((try? JSONParser(maxDepth: 10).parse(deep)) != nil)
        #expect((try? JSONParser(maxDepth: 9).parse(deep)) == nil)
    }

    @Test func invalidUTF8IsRepairedLikeTheParser() throws {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28, 0xED, 0xA0, 0x80, 0xF8] + Array(#"","b":[1]}"#.utf8)
        let tape = try #require(JSONTape.parse(bytes))
        #expect(tape.value(0) == (try JSONParser().parse(bytes)))
        #expect(!tape.isClean(0))
        #expect(tape.isClean(try #require(tape.member(0, "b"))))
    }

    /// A container is clean exactly when its bytes are its serialization; printing it always gives the serialization.
    @Test func cleanMeansTheBytesAreTheSerialization() throws {
        for text in Self.documents {
            guard let tape = Self.tape(text) else { continue }
            for index in 0..<tape.count where tape.kind(index) == .object || tape.kind(index) == .array {
                let serialized = tape.value(index).serialized()
                let raw = String(decoding: tape.raw(index), as: UTF8.self)
                if tape.isClean(index) { #expect(raw == serialized, "\(text) at \(index)") }
                var out: [UInt8] = []
                tape.writeJSON(index, into: &out)
                #expect(String(decoding: out, as: UTF8.self) == serialized, "\(text) at \(index)")
            }
        }
        #expect(Self.tape(#"{"a":[1,"x\"y\n\u001b"],"b":{"c":null,"d":true}}"#)?.isClean(0) == true)
        for dirty in [#"{"a": 1}"#, #"{"a":"\/"}"#, #"{"a":"\u00e9"}"#, #"{"a":"\u001B"}"#, #"{"a":"\u000a"}"#, #"{"a":1.5}"#,
                      #"{"a":-0}"#, #"{"a":1e2}"#, "{\"a\":\"\u{7f}\"}", "{\"a\":[1,\n2]}"] {
            #expect(Self.tape(dirty)?.isClean(0) == false, "\(dirty)")
        }
        #expect(Self.tape(#"{"é":"ü€😀","n":-12}"#)?.isClean(0) == true)
    }

    @Test func membersAndPathsReadAsTheTreeDoes() throws {
        let text = #"{"a":1,"b":{"c":[{"d":"x"},{"d":"y"},{"e":1}]},"a":2,"k\u0065y":"v","list":[[{"z":1}],{"z":2}]}"#
        let tape = try #require(Self.tape(text))
        let tree = try JSONParser().parse(text)
        for key in ["a", "b", "key", "list", "missing", "k\\u0065y"] {
            #expect(tape.member(0, key).map(tape.value) == tree[key], "\(key)")
        }
        for path in ["b.c.d", "b.c.e", "b.c", "list.z", "a", "b.c.d.x", "", "list"] {
            let components = JSONValue.splitPath(path)
            #expect(tape.values(at: components[...], from: 0).map(tape.value) == tree.values(at: components), "\(path)")
            #expect(tape.value(at: components[...], from: 0).map(tape.value) == tree.value(at: components), "\(path)")
        }
        let list = try #require(tape.member(0, "list"))
        #expect(tape.elements(list).count == 2)
        #expect(tape.withString(try #require(tape.member(0, "key"))) { String(decoding: $0, as: UTF8.self) } == "v")
    }

    @Test func aLineOfALargerBufferIsIndexedInPlace() throws {
        let json = #"{"eventName":"StopLogging", "n":[1]}"#
        let storage = ByteStorage(copying: Array(("first line\n" + json + "\nlast").utf8))
        let tape = try #require(JSONTape.build(storage, 11, 11 + json.utf8.count, maxDepth: 128))
        #expect(tape.member(0, "eventName").flatMap(tape.stringValue) == "StopLogging")
        #expect(tape.value(0) == (try JSONParser().parse(json)))
        #expect(JSONTape.build(storage, 0, 20, maxDepth: 128) == nil)
    }

    /// S3 files, EventBridge events and bare records decode the same from the index as from the tree.
    @Test func cloudTrailFromTheIndexMatchesTheTree() throws {
        let record = CloudTrailTests.authorizeIngress
        let documents = [
            "{\"Records\":[\(record),\(CloudTrailTests.stopLogging), 5 ,\(CloudTrailTests.consoleLogin)]}",
            #"{"Records":{"a":1}}"#,
            "{\"version\":\"0\",\"id\":\"e1\",\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.ec2\",\"detail\":\(record),\"region\":\"us-east-1\"}",
            #"{"detail-type":"AWS API Call via CloudTrail","detail":[1]}"#,
            #"{"detail-type":"Something else","detail":{}}"#, record, #"{"eventName":"X","eventSource":"y"}"#,
            #"{"eventName":"X"}"#, #"{"eventVersion":1}"#,
        ]
        for text in documents {
            let tree = try JSONParser().parse(text)
            let tape = try #require(Self.tape(text))
            let fromTree = CloudTrailDecoder.decode(tree, inCloudWatchLogs: true)
            let fromTape = CloudTrailDecoder.decode(tape: tape, root: 0, inCloudWatchLogs: true)
            #expect((fromTree == nil) == (fromTape == nil), "\(text)")
            guard let fromTree, let fromTape else { continue }
            #expect(fromTree.problems == fromTape.problems)
            #expect(fromTree.records.map(\.record) == fromTape.records.map(\.record))
            #expect(fromTree.records.map(\.envelope) == fromTape.records.map(\.envelope))
            #expect(fromTree.records.map(\.eventBridgeEnvelope) == fromTape.records.map(\.eventBridgeEnvelope))
            for (a, b) in zip(fromTree.records, fromTape.records) {
                #expect(a.eventName == b.eventName && a.eventTime == b.eventTime && a.readOnly == b.readOnly)
                #expect(a.userIdentityARN == b.userIdentityARN && a.recipientAccountId == b.recipientAccountId)
                var x: [UInt8] = [], y: [UInt8] = []
                a.writeJSON(into: &x)
                b.writeJSON(into: &y)
                #expect(x == y)
            }
        }
    }

    /// A record whose bytes are not its compact text (whitespace, an escaped slash) prints its serialization; one
    /// whose bytes are prints them.
    @Test func findingsPrintTheRecordsBytesOrItsSerialization() throws {
        let pretty = "{\"Records\":[ {\"eventVersion\":\"1.09\", \"eventName\":\"A\\/B\"} ,{\"eventVersion\":\"1.09\",\"eventName\":\"C\"}]}"
        let result = try RecordDecoder().decode(record: Array(pretty.utf8), index: 0)
        let records = result.cloudTrailRecords
        try #require(records.count == 2)
        #expect(!records[0].tape.isClean(records[0].index))
        #expect(records[1].tape.isClean(records[1].index))
        #expect(result.events.map { $0.event.jsonText() } == [#"{"eventVersion":"1.09","eventName":"A/B"}"#,
                                                             #"{"eventVersion":"1.09","eventName":"C"}"#])
    }
}
