import Foundation
import Yams

/// Loads CloudFormation templates, JSON and YAML alike, into `Template`s: short-form intrinsics in
/// long form, source lines kept, duplicate keys and non-templates refused.
public enum TemplateLoader {
    /// Reads and parses the file at `path` (`-` reads standard input).
    public static func load(path: String) throws(TemplateLoadError) -> Template {
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
        return try parse(text, path: path)
    }

    /// Parses template text (JSON or YAML); `path` is only used in the template and in errors.
    public static func parse(_ text: String, path: String) throws(TemplateLoadError) -> Template {
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
            throw TemplateLoadError(path: path, line: 1, column: 1, message: "empty document: not a CloudFormation template")
        }
        let value = try NodeConverter(path: path).value(node)
        guard case .map(let root) = value else {
            throw TemplateLoadError(path: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1,
                                    message: "the document is not a mapping: not a CloudFormation template")
        }
        guard root["Resources"] != nil || root["AWSTemplateFormatVersion"] != nil || root["Transform"] != nil else {
            throw TemplateLoadError(path: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1,
                                    message: "no Resources, AWSTemplateFormatVersion or Transform: not a CloudFormation template")
        }
        return Template(path: path, root: root)
    }
}
