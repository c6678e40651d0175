import Foundation
import Yams

/// Loads CloudFormation templates, JSON and YAML alike, into `Template`s: short-form intrinsics in
/// long form, source lines kept, duplicate keys and non-templates refused.
public enum TemplateLoader {
    /// Reads and parses the file at `path` (`-` reads standard input).
    public static func load(path: String) throws(TemplateLoadError) -> Template {
        try parse(try read(path: path), path: path)
    }

    /// Parses template text (JSON or YAML); `path` is only used in the template and in errors.
    /// A document that is not a template is an error.
    public static func parse(_ text: String, path: String) throws(TemplateLoadError) -> Template {
        switch try classify(text, path: path) {
        case .template(let template): return template
        case .notATemplate(let error): throw error
        }
    }

    /// For a folder walk: reads the file at `path` and returns nil when it is well-formed YAML or JSON but not
    /// a CloudFormation template (a buildspec, a Kubernetes manifest, an event, a package.json). A file that
    /// cannot be read, is not UTF-8 or is not well-formed YAML/JSON still throws: a broken file in a folder
    /// of templates may be a broken template.
    public static func loadIfTemplate(path: String) throws(TemplateLoadError) -> Template? {
        let text = try read(path: path)
        if case .template(let template) = try classify(text, path: path) { return template }
        return nil
    }

    /// What a well-formed document turned out to be.
    enum Classification {
        case template(Template)
        /// Not a CloudFormation template, with the error to report when the file was named explicitly.
        case notATemplate(TemplateLoadError)
    }

    static func read(path: String) throws(TemplateLoadError) -> String {
        let data: Data
        do {
            if path == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        } catch {
            throw TemplateLoadError(path: path, line: 0, column: 0, message: "cannot read: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TemplateLoadError(path: path, line: 0, column: 0, message: "not UTF-8 text")
        }
        return text
    }

    /// Parses `text`; throws when it is not well-formed YAML/JSON, or when a template is malformed (duplicate
    /// keys, bad tags). Whether it is a template is decided before the conversion, so that a non-template's
    /// duplicate keys or unknown tags are not reported.
    static func classify(_ text: String, path: String) throws(TemplateLoadError) -> Classification {
        var source = text
        if source.hasPrefix("\u{FEFF}") { source.removeFirst() }
        // JSON only has tabs as whitespace (a tab in a string must be escaped), which YAML's flow
        // style does not always accept: spaces keep every line and column.
        if source.first(where: { !$0.isWhitespace }) == "{", source.contains("\t") {
            source = source.replacingOccurrences(of: "\t", with: " ")
        }
        let node: Node?
        do {
            // Plain scalars are typed by PlainScalar (NodeConverter), so Yams's regular-expression
            // resolver is not needed; `.basic` keeps its duplicate-key check cheap (most of the load time).
            let parser = try Parser(yaml: source, resolver: .basic)
            node = try parser.nextRoot()
        } catch let error as YamlError {
            throw YAMLErrorTranslation.error(error, path: path, text: source)
        } catch {
            throw TemplateLoadError(path: path, line: 0, column: 0, message: "\(error)")
        }
        guard let node else {
            return .notATemplate(TemplateLoadError(path: path, line: 1, column: 1,
                                                   message: "empty document: not a CloudFormation template"))
        }
        let line = node.mark?.line ?? 1, column = node.mark?.column ?? 1
        guard case .mapping(let mapping) = node else {
            return .notATemplate(TemplateLoadError(path: path, line: line, column: column,
                                                   message: "the document is not a mapping: not a CloudFormation template"))
        }
        guard mapping.keys.contains(where: { templateKeys.contains($0.string ?? "") }) else {
            return .notATemplate(TemplateLoadError(
                path: path, line: line, column: column,
                message: "no Resources, AWSTemplateFormatVersion or Transform: not a CloudFormation template"))
        }
        let value = try NodeConverter(path: path).value(node)
        guard case .map(let root) = value else {
            throw TemplateLoadError(path: path, line: line, column: column,
                                    message: "the document is not a mapping: not a CloudFormation template")
        }
        return .template(Template(path: path, root: root))
    }

    /// The top-level keys of which a template has at least one.
    static let templateKeys: Set<String> = ["Resources", "AWSTemplateFormatVersion", "Transform"]
}
