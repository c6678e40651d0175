import Foundation

/// Resolves what can be known statically of a template's values, for checks: `Ref` to parameters (a
/// given value, else the `Default`) and pseudo parameters, `Fn::FindInMap` with literal keys, `Fn::Select`,
/// `Fn::Join` and `Fn::Sub` whose parts all resolve, `AWS::NoValue` removed. What cannot be resolved
/// stays as the intrinsic (its arguments resolved where they can be). `Fn::If` is left for
/// `variants(_:)`, which expands both branches.
public struct TemplateResolver: Sendable {
    public var template: Template
    /// Parameter values given by the user; they win over the template's `Default`s.
    public var parameters: [String: String]

    public init(template: Template, parameters: [String: String] = [:]) {
        self.template = template
        self.parameters = parameters
    }

    /// The resolved value; nil when it is `Ref: AWS::NoValue` (the property is removed).
    public func resolve(_ value: TemplateValue) -> TemplateValue? {
        switch value {
        case .null, .bool, .number, .string:
            return value
        case .list(let items):
            return .list(items.compactMap(resolve))
        case .map(let map):
            if let (name, argument) = value.intrinsic {
                return resolveIntrinsic(name, argument, original: map)
            }
            return .map(TemplateMap(map.entries.compactMap { entry in
                resolve(entry.value).map { TemplateMap.Entry(key: entry.key, value: $0, line: entry.line) }
            }))
        }
    }

    /// The value of `Ref: name` when known (nil for resources and unknown names).
    /// A list-typed parameter (`CommaDelimitedList`, `List<...>`) is a list of its comma-separated parts.
    public func reference(_ name: String) -> TemplateValue? {
        if let pseudo = PseudoParameter.values[name] { return .string(pseudo) }
        guard let parameter = template.root["Parameters"]?[name] else { return nil }
        guard let value = parameters[name].map(TemplateValue.string) ?? parameter["Default"] else { return nil }
        let type = parameter["Type"]?.string ?? "String"
        if type == "CommaDelimitedList" || type.hasPrefix("List<") || type.hasPrefix("AWS::SSM::Parameter::Value<List<"),
           let text = value.string {
            return .list(text.split(separator: ",", omittingEmptySubsequences: false).map {
                .string(String($0).trimmingWhitespace)
            })
        }
        return value
    }

    private func resolveIntrinsic(_ name: String, _ argument: TemplateValue, original: TemplateMap) -> TemplateValue? {
        let line = original.entries.first?.line ?? 0
        func kept(_ argument: TemplateValue) -> TemplateValue {
            .map(TemplateMap([TemplateMap.Entry(key: name, value: argument, line: line)]))
        }
        switch name {
        case "Ref":
            guard let target = argument.string else { return kept(argument) }
            if target == PseudoParameter.noValue { return nil }
            return reference(target) ?? kept(argument)
        case "Fn::FindInMap":
            let arguments = resolveArgument(argument)
            guard let keys = arguments.list, keys.count >= 3,
                  let mapName = Self.text(keys[0]), let first = Self.text(keys[1]), let second = Self.text(keys[2]),
                  let found = template.root["Mappings"]?[mapName]?[first]?[second] else {
                if let keys = arguments.list, keys.count == 4, let fallback = keys[3]["DefaultValue"] { return fallback }
                return kept(arguments)
            }
            return resolve(found)
        case "Fn::Join":
            let arguments = resolveArgument(argument)
            guard let parts = arguments.list, parts.count == 2, let delimiter = parts[0].string,
                  let items = parts[1].list else { return kept(arguments) }
            var texts: [String] = []
            for item in items {
                guard let text = Self.text(item) else { return kept(arguments) }
                texts.append(text)
            }
            return .string(texts.joined(separator: delimiter))
        case "Fn::Sub":
            return substitute(argument) ?? kept(resolveArgument(argument))
        case "Fn::Select":
            let arguments = resolveArgument(argument)
            guard let parts = arguments.list, parts.count == 2, let index = Self.text(parts[0]).flatMap({ Int($0) }),
                  let items = parts[1].list, items.indices.contains(index) else { return kept(arguments) }
            return items[index]
        default:
            return kept(resolveArgument(argument))
        }
    }

    /// An intrinsic's argument resolved, a list item by item: an `AWS::NoValue` item (an `Fn::If`
    /// branch) stays in place, for the positions of the arguments matter.
    private func resolveArgument(_ argument: TemplateValue) -> TemplateValue {
        if case .list(let items) = argument { return .list(items.map { resolve($0) ?? $0 }) }
        return resolve(argument) ?? argument
    }

    /// `Fn::Sub` of a string or `[string, {variables}]` when every `${...}` resolves.
    private func substitute(_ argument: TemplateValue) -> TemplateValue? {
        var variables: [String: TemplateValue] = [:]
        let format: String
        if let text = argument.string {
            format = text
        } else if let parts = argument.list, parts.count == 2, let text = parts[0].string, let map = parts[1].map {
            format = text
            for entry in map.entries { variables[entry.key] = resolve(entry.value) }
        } else {
            return nil
        }
        var output = ""
        var rest = Substring(format)
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            let afterOpen = rest[start.upperBound...]
            if afterOpen.hasPrefix("!") {        // `${!Literal}` is the text `${Literal}`
                output += "${"
                rest = afterOpen.dropFirst()
                continue
            }
            guard let close = afterOpen.firstIndex(of: "}") else { return nil }
            let name = String(afterOpen[..<close]).trimmingCharacters(in: .whitespaces)
            guard let value = variables[name] ?? reference(name).flatMap(resolve), let text = Self.text(value) else {
                return nil
            }
            output += text
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        output += rest
        return .string(output)
    }

    /// A scalar as text (strings, numbers as written, booleans).
    static func text(_ value: TemplateValue) -> String? {
        switch value {
        case .string(let text), .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }
}
