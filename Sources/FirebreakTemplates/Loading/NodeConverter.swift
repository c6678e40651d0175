import Yams

/// Turns a Yams node tree into `TemplateValue`s: scalars by their style and tag (quoted is always a
/// string), short-form intrinsic tags into their long form, source lines from each node's mark.
struct NodeConverter {
    let path: String

    func value(_ node: Node) throws(TemplateLoadError) -> TemplateValue {
        let tagName = tag(of: node)
        if let key = ShortFormTag.intrinsicKey(forTag: tagName) {
            let argument: TemplateValue
            if key == "Fn::GetAtt", case .scalar(let scalar) = node {
                argument = ShortFormTag.getAttArgument(scalar.string)
            } else {
                argument = try untagged(node)
            }
            let line = node.mark?.line ?? 0
            return .map(TemplateMap([TemplateMap.Entry(key: key, value: argument, line: line)]))
        }
        return try untagged(node)
    }

    private func tag(of node: Node) -> String {
        switch node {
        case .scalar(let scalar): return scalar.tag.rawValue
        case .mapping(let mapping): return mapping.tag.rawValue
        case .sequence(let sequence): return sequence.tag.rawValue
        case .alias: return ""
        }
    }

    /// The node's value with its own tag ignored (the argument of a short-form intrinsic).
    private func untagged(_ node: Node) throws(TemplateLoadError) -> TemplateValue {
        switch node {
        case .scalar(let scalar):
            let tagName = scalar.tag.rawValue
            if scalar.style != .plain && scalar.style != .any { return .string(scalar.string) }
            if ShortFormTag.intrinsicKey(forTag: tagName) != nil {
                // `!Ref name`; a bare `!GetAZs` is null, as in the JSON twin (`"Fn::GetAZs": null`).
                return PlainScalar.value(scalar.string)
            }
            switch tagName {
            case "", "?", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                 "tag:yaml.org,2002:float":
                return PlainScalar.value(scalar.string)
            default:
                return .string(scalar.string)   // `!!str`, the non-specific `!`, anything else
            }
        case .sequence(let sequence):
            var items: [TemplateValue] = []
            items.reserveCapacity(sequence.count)
            for item in sequence { items.append(try value(item)) }
            return .list(items)
        case .mapping(let mapping):
            var entries: [TemplateMap.Entry] = []
            entries.reserveCapacity(mapping.count)
            var seen: [String: Int] = [:]
            for (keyNode, valueNode) in mapping {
                let key = try keyString(keyNode)
                let line = keyNode.mark?.line ?? 0
                if let first = seen[key] {
                    throw TemplateLoadError(path: path, line: line, column: keyNode.mark?.column ?? 0,
                                            message: "duplicate key '\(key)' (first at line \(first))")
                }
                seen[key] = line
                entries.append(TemplateMap.Entry(key: key, value: try value(valueNode), line: line))
            }
            return .map(TemplateMap(entries))
        case .alias(let alias):
            throw TemplateLoadError(path: path, line: alias.mark?.line ?? 0, column: alias.mark?.column ?? 0,
                                    message: "unresolved alias")
        }
    }

    private func keyString(_ node: Node) throws(TemplateLoadError) -> String {
        guard case .scalar(let scalar) = node else {
            throw TemplateLoadError(path: path, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0,
                                    message: "a mapping key must be a scalar")
        }
        return scalar.string
    }
}
