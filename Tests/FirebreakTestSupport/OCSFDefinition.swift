/// An OCSF event class or object with its inheritance resolved: the attributes of the whole `extends` chain and of the
/// applied profiles, each merged with its dictionary entry (type, `is_array`, enum, sibling), and the constraints.
public struct OCSFDefinition: Sendable {
    public var name: String
    public var caption: String
    /// Attribute name → merged definition (`requirement`, `type`, `is_array`, `enum`, `sibling`, ...).
    public var attributes: [String: OCSFJSON]
    /// `at_least_one` / `just_one` → attribute names.
    public var constraints: [String: [String]]

    /// The attributes whose requirement is `required`, sorted.
    public var required: [String] {
        attributes.keys.filter { attributes[$0]?["requirement"]?.stringValue == "required" }.sorted()
    }
}
