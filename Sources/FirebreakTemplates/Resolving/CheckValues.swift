import Foundation

/// Literal readings of template values, and a resource's branch-resolved variants.
enum CheckValues {
    /// A literal string (strings and numbers); nil for intrinsics and other shapes.
    static func literal(_ value: TemplateValue?) -> String? {
        switch value {
        case .string(let s)?: return s
        case .number(let n)?: return n
        case .bool(let b)?: return b ? "true" : "false"
        default: return nil
        }
    }

    /// A literal boolean: `true`, `"true"`, `"True"`.
    static func bool(_ value: TemplateValue?) -> Bool? {
        switch value {
        case .bool(let b)?: return b
        case .string(let s)?:
            switch s.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// A literal integer, written as a number or a string.
    static func int(_ value: TemplateValue?) -> Int? {
        guard let text = literal(value)?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let i = Int(text) { return i }
        if let d = Double(text), d == d.rounded() { return Int(d) }
        return nil
    }

    /// Literal strings of a value that is a string or a list of strings.
    static func strings(_ value: TemplateValue?) -> [String] {
        switch value {
        case .list(let items)?: return items.compactMap { literal($0) }
        case let v?: return literal(v).map { [$0] } ?? []
        case nil: return []
        }
    }

    static func isNoValue(_ value: TemplateValue) -> Bool {
        if let (name, argument) = value.intrinsic, name == "Ref", argument.string == "AWS::NoValue" { return true }
        return false
    }

    /// Whether a value is present and not `AWS::NoValue`.
    static func present(_ value: TemplateValue?) -> Bool {
        guard let value else { return false }
        if case .null = value { return false }
        return !isNoValue(value)
    }

    /// Logical ids a value refers to through `Ref`, `Fn::GetAtt` or `${X}` in `Fn::Sub` (anywhere inside).
    static func references(in value: TemplateValue?) -> Set<String> {
        guard let value else { return [] }
        var result: Set<String> = []
        if let (name, argument) = value.intrinsic {
            switch name {
            case "Ref":
                if let s = argument.string { result.insert(s) }
            case "Fn::GetAtt":
                if let first = argument.list?.first?.string { result.insert(first) }
                else if let s = argument.string, let id = s.split(separator: ".").first { result.insert(String(id)) }
            default: break
            }
        }
        switch value {
        case .list(let items): for item in items { result.formUnion(references(in: item)) }
        case .map(let map): for entry in map.entries { result.formUnion(references(in: entry.value)) }
        default: break
        }
        return result
    }

    /// The variants of a resource: its `Properties` on each combination of `Fn::If` branches, resolved by
    /// `resolver` (parameters, mappings, pseudo parameters); one unlabelled variant when there is no `Fn::If`.
    static func variants(of resource: TemplateResource,
                         resolver: TemplateResolver) -> [(label: String?, resource: TemplateResource)] {
        guard let index = resource.body.entries.firstIndex(where: { $0.key == "Properties" }) else {
            return [(nil, resource)]
        }
        return resolver.variants(resource.body.entries[index].value).map { variant in
            var body = resource.body
            body.entries[index].value = variant.value.map == nil ? .map(TemplateMap()) : variant.value
            return (variant.branch, TemplateResource(logicalID: resource.logicalID, line: resource.line, body: body))
        }
    }

    /// The line of the first key of a map value (0 when unknown).
    static func line(of value: TemplateValue?) -> Int { value?.map?.entries.first?.line ?? 0 }

    /// Glob match: `*` any run of characters but `/` (any run when not `pathAware`), `**` any run, `?` one character.
    static func glob(_ pattern: String, matches text: String, pathAware: Bool = true) -> Bool {
        let p = Array(pattern), t = Array(text)
        func match(_ i: Int, _ j: Int) -> Bool {
            if i == p.count { return j == t.count }
            if p[i] == "*" {
                let double = i + 1 < p.count && p[i + 1] == "*"
                let next = double ? i + 2 : i + 1
                var k = j
                while true {
                    if match(next, k) { return true }
                    if k == t.count || (pathAware && !double && t[k] == "/") { return false }
                    k += 1
                }
            }
            guard j < t.count, p[i] == "?" || p[i] == t[j] else { return false }
            return match(i + 1, j + 1)
        }
        return match(0, 0)
    }
}
