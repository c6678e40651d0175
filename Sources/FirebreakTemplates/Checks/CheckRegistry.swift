/// All checks of `firebreak check`, in id order.
public enum CheckRegistry {
    public static let all: [any TemplateCheck] =
        NetworkChecks.all + IAMChecks.all + DataChecks.all + LoggingChecks.all + PolicyChecks.all + [Suppressions.missingReason]

    /// The definitions, for `--list` and SARIF rule metadata.
    public static var definitions: [CheckDefinition] { all.map(\.definition) }

    public static func check(id: String) -> (any TemplateCheck)? { all.first { $0.definition.id == id } }
}
