import FirebreakTemplates
import Yams

/// Test templates from YAML (JSON is YAML too), intrinsics written in long form; keeps key order and lines.
enum Fixture {
    struct Invalid: Error {}

    static func template(_ yaml: String, path: String = "templates/app.yaml") throws -> Template {
        guard let node = try Yams.compose(yaml: yaml), case .map(let root) = value(node) else { throw Invalid() }
        return Template(path: path, root: root)
    }

    /// A template whose `Resources` are the given lines (written without indentation).
    static func resources(_ lines: String, path: String = "templates/app.yaml") throws -> Template {
        let body = lines.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        return try template("Resources:\n" + body, path: path)
    }

    static func value(_ node: Node) -> TemplateValue {
        switch node {
        case .scalar(let scalar):
            switch node.tag.description {
            case "tag:yaml.org,2002:null": return .null
            case "tag:yaml.org,2002:bool": return .bool(node.bool ?? false)
            case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float": return .number(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence): return .list(sequence.map(value))
        case .mapping(let mapping):
            return .map(TemplateMap(mapping.map { key, item in
                TemplateMap.Entry(key: key.string ?? "", value: value(item), line: key.mark?.line ?? 0)
            }))
        default: return .null
        }
    }
}
