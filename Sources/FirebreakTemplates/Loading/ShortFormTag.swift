/// The YAML short forms of CloudFormation intrinsics (`!Ref`, `!GetAtt`, `!Sub`, ...) and their long
/// form keys.
enum ShortFormTag {
    /// The long-form key for a YAML tag such as `!Ref` (`Ref`), `!Condition` (`Condition`) or
    /// `!Sub` (`Fn::Sub`); nil for the standard YAML tags (`!!str`, the implicit and non-specific tags).
    static func intrinsicKey(forTag tag: String) -> String? {
        guard tag.hasPrefix("!"), tag.count > 1, !tag.hasPrefix("!!") else { return nil }
        let name = String(tag.dropFirst())
        switch name {
        case "Ref", "Condition": return name
        default: return name.hasPrefix("Fn::") ? name : "Fn::" + name
        }
    }

    /// `!GetAtt Resource.Attribute` split at the first `.` into `["Resource", "Attribute"]`.
    static func getAttArgument(_ scalar: String) -> TemplateValue {
        guard let dot = scalar.firstIndex(of: ".") else { return .list([.string(scalar)]) }
        return .list([.string(String(scalar[..<dot])), .string(String(scalar[scalar.index(after: dot)...]))])
    }
}
