import FirebreakTemplates

/// `template-json` and `template-yaml`: the bytes (as UTF-8, lossily) are a CloudFormation template, given to
/// `TemplateLoader.parse` as `firebreak check` does after reading the file. The loader treats JSON and YAML
/// alike (JSON through the YAML parser), so the two targets differ in their path and their seed corpus.
enum TemplateTarget {
    static func runJSON(_ data: [UInt8]) { load(data, path: "fuzz.json") }
    static func runYAML(_ data: [UInt8]) { load(data, path: "fuzz.yaml") }

    static func load(_ data: [UInt8], path: String) {
        let text = String(decoding: data, as: UTF8.self)
        do {
            let template = try TemplateLoader.parse(text, path: path)
            for resource in template.resources { _ = (resource.type, resource.properties, resource.metadata) }
        } catch {
            _ = error.description
        }
    }
}
