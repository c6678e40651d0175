import Testing
@testable import FirebreakAWS

@Suite struct AWSXMLParserTests {
    private func parse(_ text: String) -> AWSXMLElement? { AWSXMLParser.parse(Array(text.utf8)) }

    @Test func parsesANamespacedSuccessResponse() throws {
        let root = try #require(parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <CreateTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
                <return>true</return>
            </CreateTagsResponse>
            """))
        #expect(root.name == "CreateTagsResponse")
        #expect(root.text == "")
        #expect(root.string("requestId") == "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE")
        #expect(root.bool("return") == true)
    }

    @Test func dropsNamespacePrefixesAndDecodesEntitiesAndCDATA() throws {
        let root = try #require(parse(
            "<a:Root xmlns:a=\"urn:x\"><a:v>1 &lt; 2 &amp;&#x20;ok</a:v><c><![CDATA[<raw>]]></c><n> 42 </n></a:Root>"))
        #expect(root.name == "Root")
        #expect(root.string("v") == "1 < 2 & ok")
        #expect(root.string("c") == "<raw>")
        #expect(root.int("n") == 42)
        #expect(root.string("missing") == nil)
    }

    @Test func itemsAndPaths() throws {
        let root = try #require(parse("""
            <R><groupSet><item><groupId>sg-1</groupId></item><item><groupId>sg-2</groupId></item></groupSet>
            <instanceState><code>16</code><name>running</name></instanceState></R>
            """))
        #expect(root.items("groupSet").compactMap { $0.string("groupId") } == ["sg-1", "sg-2"])
        #expect(root.items("nothing").isEmpty)
        #expect(root.int("instanceState", "code") == 16)
        #expect(root.string("instanceState", "name") == "running")
        #expect(root.firstDescendant("groupId")?.text == "sg-1")
    }

    @Test func rejectsMalformedDoctypeAndOversizedInput() {
        #expect(parse("") == nil)
        #expect(parse("<a><b></a>") == nil)
        #expect(parse("not xml") == nil)
        #expect(parse("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>") == nil)
        #expect(parse("<!doctype a><a/>") == nil)
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        #expect(parse(deep) == nil)
        #expect(AWSXMLParser.parse(Array("<a><b/><b/><b/></a>".utf8), limits: .init(maxElements: 3)) == nil)
        #expect(AWSXMLParser.parse(Array("<a><b/><b/></a>".utf8), limits: .init(maxElements: 3)) != nil)
        #expect(AWSXMLParser.parse(Array("<a>123456</a>".utf8), limits: .init(maxBytes: 8)) == nil)
    }
}
