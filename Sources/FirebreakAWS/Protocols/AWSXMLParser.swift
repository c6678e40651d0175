import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses an XML response body into an `AWSXMLElement` tree, within bounds.
///
/// Rejects document type declarations (AWS never sends them; they are how entity expansion attacks
/// start), bodies over `maxBytes`, nesting deeper than `maxDepth` and more than `maxElements` elements.
public enum AWSXMLParser {
    public struct Limits: Sendable, Equatable {
        public var maxBytes: Int
        public var maxDepth: Int
        public var maxElements: Int

        public init(maxBytes: Int = 16 << 20, maxDepth: Int = 64, maxElements: Int = 1_000_000) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxElements = maxElements
        }
    }

    /// The root element, or nil when the bytes are not well-formed XML within the limits.
    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) -> AWSXMLElement? {
        guard !bytes.isEmpty, bytes.count <= limits.maxBytes, !containsDoctype(bytes) else { return nil }
        let builder = TreeBuilder(limits: limits)
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), !builder.failed else { return nil }
        return builder.root
    }

    private static func containsDoctype(_ bytes: [UInt8]) -> Bool {
        let needle = Array("<!DOCTYPE".utf8)
        let upper = bytes.count - needle.count
        guard upper >= 0 else { return false }
        var index = 0
        while index <= upper {
            if bytes[index] == UInt8(ascii: "<") && bytes[index + 1] == UInt8(ascii: "!") {
                var match = true
                for offset in 2..<needle.count where bytes[index + offset] & 0xDF != needle[offset] {
                    match = false
                    break
                }
                if match { return true }
            }
            index += 1
        }
        return false
    }
}

/// Builds the tree from parser events; used by one parse on one thread.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    let limits: AWSXMLParser.Limits
    var stack: [AWSXMLElement] = []
    var root: AWSXMLElement?
    var elementCount = 0
    var failed = false

    init(limits: AWSXMLParser.Limits) { self.limits = limits }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        elementCount += 1
        guard elementCount <= limits.maxElements, stack.count < limits.maxDepth, root == nil else {
            failed = true
            parser.abortParsing()
            return
        }
        let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
        stack.append(AWSXMLElement(name: local))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName: String?) {
        guard var element = stack.popLast() else { return }
        if !element.children.isEmpty { element.text = "" }
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        failed = true
    }
}
