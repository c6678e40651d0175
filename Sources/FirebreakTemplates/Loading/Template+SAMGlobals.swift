/// AWS SAM's `Globals` section applied to the serverless resources, so that checks see the
/// properties SAM will deploy.
extension Template {
    /// The SAM transform name.
    public static let samTransform = "AWS::Serverless-2016-10-31"

    /// Whether `Transform` (a name or a list) includes `AWS::Serverless-2016-10-31`.
    public var usesSAM: Bool {
        switch root["Transform"] {
        case .string(let name): return name == Self.samTransform
        case .list(let names): return names.contains { $0.string == Self.samTransform }
        default: return false
        }
    }

    /// The template with `Globals.Function` merged into each `AWS::Serverless::Function`'s
    /// `Properties` (and likewise `Globals.Api`, `HttpApi`, `SimpleTable`, `LayerVersion`, ... into
    /// `AWS::Serverless::<Section>`): the resource's own keys win, maps are merged key by key, and
    /// lists are added to, as SAM does. Unchanged without the SAM transform or `Globals`.
    public func mergingSAMGlobals() -> Template {
        guard usesSAM, let globals = root["Globals"]?.map, let resources = root["Resources"]?.map else { return self }
        var merged = resources
        for index in merged.entries.indices {
            guard var body = merged.entries[index].value.map, let type = body["Type"]?.string,
                  type.hasPrefix("AWS::Serverless::"),
                  let defaults = globals[String(type.dropFirst("AWS::Serverless::".count))]?.map else { continue }
            let properties = body["Properties"]?.map ?? TemplateMap()
            let value = TemplateValue.map(Self.merge(defaults, under: properties))
            if let position = body.entries.firstIndex(where: { $0.key == "Properties" }) {
                body.entries[position].value = value
            } else {
                body.entries.append(TemplateMap.Entry(key: "Properties", value: value, line: merged.entries[index].line))
            }
            merged.entries[index].value = .map(body)
        }
        var newRoot = root
        if let position = newRoot.entries.firstIndex(where: { $0.key == "Resources" }) {
            newRoot.entries[position].value = .map(merged)
        }
        return Template(path: path, root: newRoot)
    }

    /// `own` over `defaults`: own keys first, in their order, then the defaults not overridden.
    private static func merge(_ defaults: TemplateMap, under own: TemplateMap) -> TemplateMap {
        var entries: [TemplateMap.Entry] = []
        for entry in own.entries {
            var entry = entry
            switch (defaults[entry.key], entry.value) {
            case (.map(let base)?, .map(let mine)) where entry.value.intrinsic == nil && TemplateValue.map(base).intrinsic == nil:
                entry.value = .map(merge(base, under: mine))
            case (.list(let base)?, .list(let mine)):
                entry.value = .list(base + mine)
            default:
                break
            }
            entries.append(entry)
        }
        for entry in defaults.entries where own[entry.key] == nil { entries.append(entry) }
        return TemplateMap(entries)
    }
}
