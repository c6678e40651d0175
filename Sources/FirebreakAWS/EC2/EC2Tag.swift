/// A resource tag.
public struct EC2Tag: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// `<tagSet><item><key/><value/></item>…</tagSet>` of an element.
    static func tagSet(of element: AWSXMLElement) -> [EC2Tag] {
        element.items("tagSet").compactMap { item in
            item.string("key").map { EC2Tag(key: $0, value: item.string("value") ?? "") }
        }
    }

    /// `prefix.1.Key`, `prefix.1.Value`, … (`Tag.1.Key` for CreateTags).
    static func add(_ tags: [EC2Tag], to request: inout QueryRequest, prefix: String) {
        request.addList(prefix, tags) { query, tagPrefix, tag in
            query.add("\(tagPrefix).Key", tag.key)
            query.add("\(tagPrefix).Value", tag.value)
        }
    }

    /// `TagSpecification.1.ResourceType=<type>&TagSpecification.1.Tag.1.Key=…`; nothing when `tags` is empty.
    static func addSpecification(_ tags: [EC2Tag], resourceType: String, to request: inout QueryRequest) {
        guard !tags.isEmpty else { return }
        request.add("TagSpecification.1.ResourceType", resourceType)
        add(tags, to: &request, prefix: "TagSpecification.1.Tag")
    }
}

extension [EC2Tag] {
    /// The value of the first tag with this key.
    public subscript(key key: String) -> String? { first { $0.key == key }?.value }
}
