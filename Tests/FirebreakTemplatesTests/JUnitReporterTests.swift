import FirebreakTemplates
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Collects elements and their attributes from an XML document.
final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var text = ""

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append((elementName, attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    static func parse(_ xml: String) -> ElementCollector? {
        let collector = ElementCollector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }
}

@Suite struct JUnitReporterTests {
    @Test func fixtureParsesWithCountsAndEscapes() throws {
        let collector = try #require(ElementCollector.parse(JUnitReporter.render(ReporterFixture.report)))
        let names = collector.elements.map(\.name)
        #expect(names.first == "testsuites")
        #expect(names.filter { $0 == "testsuite" }.count == 3)
        #expect(names.filter { $0 == "testcase" }.count == 4)
        #expect(names.filter { $0 == "failure" }.count == 1)
        #expect(names.filter { $0 == "skipped" }.count == 1)
        #expect(names.filter { $0 == "error" }.count == 1)
        let failure = try #require(collector.elements.first { $0.name == "failure" })
        #expect(failure.attributes["message"] == "Ingress allows 0.0.0.0/0 on port 22 & <all> \"admin\" ports")
        #expect(failure.attributes["type"] == "error")
        #expect(collector.text.contains("when: IsProd: false"))
    }

    @Test func warningsFailWithFailOnWarning() throws {
        let collector = try #require(ElementCollector.parse(JUnitReporter.render(ReporterFixture.report, failOn: .warning)))
        #expect(collector.elements.filter { $0.name == "failure" }.count == 2)
        #expect(collector.elements.first?.attributes["failures"] == "2")
    }

    @Test func cleanFileHasOnePassingTestCase() throws {
        let report = CheckReport(files: ["ok.yaml"], findings: [], checks: [])
        let collector = try #require(ElementCollector.parse(JUnitReporter.render(report)))
        let cases = collector.elements.filter { $0.name == "testcase" }
        #expect(cases.count == 1)
        #expect(cases.first?.attributes["classname"] == "ok.yaml")
        #expect(collector.elements.first { $0.name == "testsuite" }?.attributes["tests"] == "1")
    }

    @Test func hostileStringsStayWellFormed() throws {
        let nasty = "a'b\"c<d>&e\u{1}f\u{7}\nline]]>"
        let finding = TemplateFinding(checkID: "FB-&", level: .error, title: nasty, message: nasty, path: "p<&>.yaml",
                                      logicalID: "R\"", resourceType: nasty, line: 1, branch: nasty, fix: nasty,
                                      suppressedBy: nil)
        let report = CheckReport(files: ["p<&>.yaml"], loadErrors: [.init(path: "q&.yaml", message: nasty)],
                                 findings: [finding], checks: [])
        let collector = try #require(ElementCollector.parse(JUnitReporter.render(report)))
        let failure = try #require(collector.elements.first { $0.name == "failure" })
        #expect(failure.attributes["message"] == "a'b\"c<d>&ef\nline]]>")
        #expect(collector.elements.first { $0.name == "testsuite" }?.attributes["name"] == "p<&>.yaml")
    }
}
