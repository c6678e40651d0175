/// Resources that are never changed: those carrying any of the listed tag pairs, and the listed ids.
public struct ProtectedResources: Sendable, Hashable {
    /// A resource carrying any of these tag pairs is protected.
    public var tags: [String: String]
    /// Instance, ENI, security group, trail ... ids.
    public var ids: Set<String>

    public init(tags: [String: String] = ["firebreak:protected": "true"], ids: Set<String> = []) {
        self.tags = tags
        self.ids = ids
    }

    /// The protecting tag pair, if the tags carry one.
    public func protectingTag(_ resourceTags: [String: String]) -> String? {
        for key in tags.keys.sorted() where resourceTags[key] == tags[key] { return "\(key)=\(tags[key]!)" }
        return nil
    }
}
