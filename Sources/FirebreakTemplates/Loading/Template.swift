/// A loaded CloudFormation template.
public struct Template: Sendable {
    /// The file it came from (or `-` for standard input).
    public var path: String
    public var root: TemplateMap

    public init(path: String, root: TemplateMap) {
        self.path = path
        self.root = root
    }

    /// `Resources` in order: logical id, resource, source line of the logical id.
    public var resources: [TemplateResource] {
        guard let map = root["Resources"]?.map else { return [] }
        return map.entries.compactMap { entry in
            guard let body = entry.value.map else { return nil }
            return TemplateResource(logicalID: entry.key, line: entry.line, body: body)
        }
    }
}

/// One resource of a template.
public struct TemplateResource: Sendable {
    public var logicalID: String
    public var line: Int
    public var body: TemplateMap

    public init(logicalID: String, line: Int, body: TemplateMap) {
        self.logicalID = logicalID
        self.line = line
        self.body = body
    }

    public var type: String { body["Type"]?.string ?? "" }
    public var properties: TemplateMap { body["Properties"]?.map ?? TemplateMap() }
    public var metadata: TemplateMap? { body["Metadata"]?.map }
}
