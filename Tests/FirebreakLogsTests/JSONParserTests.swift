import Testing
@testable import FirebreakLogs

@Suite struct JSONParserTests {
    let parser = JSONParser()

    @Test func parsesAllTypes() throws {
        let v = try parser.parse(#" {"n":null,"t":true,"f":false,"i":-42,"big":9223372036854775807,"min":-9223372036854775808,"over":9223372036854775808,"d":1.5e3,"s":"x","a":[1,[2]],"o":{"k":"v"}} "#)
        #expect(v["n"] == .null)
        #expect(v["t"] == .bool(true))
        #expect(v["f"] == .bool(false))
        #expect(v["i"] == .int(-42))
        #expect(v["big"] == .int(Int64.max))
        #expect(v["min"] == .int(Int64.min))
        #expect(v["over"] == .double(9223372036854775808))
        #expect(v["d"] == .double(1500))
        #expect(v["d"]?.int64Value == 1500)
        #expect(v["s"] == .string("x"))
        #expect(v["a"] == .array([.int(1), .array([.int(2)])]))
        #expect(v["o"]?["k"] == .string("v"))
    }

    @Test func keepsKeyOrderAndLastDuplicateWins() throws {
        let v = try parser.parse(#"{"b":1,"a":2,"b":3}"#)
        #expect(v.objectValue?.keys == ["b", "a", "b"])
        #expect(v["b"] == .int(3))
        // Large objects use a hash index; lookups still work.
        let many = "{" + (0..<50).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        let m = try parser.parse(many)
        #expect(m["k37"] == .int(37))
        #expect(m["nope"] == nil)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let v = try parser.parse(#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4e2d", "\ud83d\ude00", "\ud800x", "\udc00", "é😀"]"#)
        #expect(v.arrayValue?[0] == .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        #expect(v.arrayValue?[1] == .string("é中"))
        #expect(v.arrayValue?[2] == .string("😀"))
        #expect(v.arrayValue?[3] == .string("\u{FFFD}x"))  // lone high surrogate
        #expect(v.arrayValue?[4] == .string("\u{FFFD}"))   // lone low surrogate
        #expect(v.arrayValue?[5] == .string("é😀"))
    }

    @Test func enforcesDepthLimit() throws {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: JSONParseError.self) { try JSONParser(maxDepth: 128).parse(deep) }
        #expect((try? JSONParser(maxDepth: 256).parse(deep)) != nil)
        let hostile = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(throws: JSONParseError.self) { try parser.parse(hostile) }
    }

    @Test(arguments: [
        ("", 0), ("{", 1), ("{\"a\" 1}", 5), ("[1,]", 3), ("[01]", 1), ("\"abc", 0), ("\"a\nb\"", 2),
        ("[1 2]", 3), ("tru", 0), ("\"\\x\"", 1), ("\"\\u12g4\"", 1), ("1.", 2), ("-", 0), ("1e999", 0),
        ("{} x", 3), ("{\"a\":1,}", 7),
    ])
    func reportsErrorsWithOffsets(input: String, offset: Int) {
        #expect { try parser.parse(input) } throws: { error in
            guard let e = error as? JSONParseError else { return false }
            return e.offset == offset && !e.message.isEmpty
        }
    }

    @Test func pathLookupsFollowArrays() throws {
        let v = try parser.parse(#"{"a":{"items":[{"x":1,"r":{"items":[{"c":"p"},{"c":"q"}]}},{"x":2},{"r":{}}]}}"#)
        #expect(v.value(at: ["a", "items", "x"]) == .int(1))
        #expect(v.values(at: ["a", "items", "x"]) == [.int(1), .int(2)])
        #expect(v.values(at: "a.items.r.items.c") == [.string("p"), .string("q")])
        #expect(v.value(at: "a.items")?.arrayValue?.count == 3)
        #expect(v.value(at: []) == v)
        #expect(v.value(at: "a.missing") == nil)
        #expect(v.values(at: "a.items.x.deeper").isEmpty)
    }

    @Test func serializesCompactlyWithEscapes() throws {
        let text = #"{"s":"q\"b\\n\n\u0001é😀","i":-3,"d":0.5,"a":[true,null],"o":{}}"#
        let v = try parser.parse(text)
        #expect(v.serialized() == #"{"s":"q\"b\\n\n\u0001é😀","i":-3,"d":0.5,"a":[true,null],"o":{}}"#)
        #expect(try parser.parse(v.serialized()) == v)
        #expect(JSONValue.double(.infinity).serialized() == "null")
        #expect(JSONValue.quoted("tab\there") == #""tab\there""#)
    }
}
