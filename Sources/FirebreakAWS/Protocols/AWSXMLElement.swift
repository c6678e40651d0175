import Foundation

/// One element of a parsed XML response: local name (namespace prefix dropped), text, children.
///
/// AWS Query responses are plain data: leaf elements carry text, others carry children. Lookups are
/// exact-case (`requestId` and `RequestID` are different names) and ignore namespaces.
public struct AWSXMLElement: Sendable, Equatable {
    public var name: String
    /// Character data of a leaf element; empty for an element with children.
    public var text: String
    public var children: [AWSXMLElement]

    public init(name: String, text: String = "", children: [AWSXMLElement] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first child named `name`.
    public func child(_ name: String) -> AWSXMLElement? { children.first { $0.name == name } }

    /// All children named `name`.
    public func children(_ name: String) -> [AWSXMLElement] { children.filter { $0.name == name } }

    /// The element at a path of child names (`element.at("instanceState", "name")`).
    public func at(_ path: String...) -> AWSXMLElement? { at(path) }

    public func at(_ path: [String]) -> AWSXMLElement? {
        var element = self
        for name in path {
            guard let next = element.child(name) else { return nil }
            element = next
        }
        return element
    }

    /// The text of the element at a path, if present.
    public func string(_ path: String...) -> String? { at(path)?.text }

    /// The text at a path as an integer, if present and numeric.
    public func int(_ path: String...) -> Int? {
        at(path).flatMap { Int($0.text.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The text at a path as a boolean (`true`/`false`), if present.
    public func bool(_ path: String...) -> Bool? {
        switch at(path)?.text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// The `<item>` children of the list element at a path (`<groupSet><item>…</item></groupSet>`);
    /// empty when the list is absent.
    public func items(_ path: String...) -> [AWSXMLElement] { at(path)?.children("item") ?? [] }

    /// The first element named `name` in depth-first order, this element included.
    public func firstDescendant(_ name: String) -> AWSXMLElement? {
        if self.name == name { return self }
        for child in children {
            if let found = child.firstDescendant(name) { return found }
        }
        return nil
    }
}
