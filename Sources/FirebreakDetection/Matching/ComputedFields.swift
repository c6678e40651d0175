import FirebreakLogs

/// Where rules read CloudTrail's computed fields (`firebreak.principal`, `firebreak.human`, ...; see `CloudTrailFacts`):
/// a path under `firebreak.` of a CloudTrail event is read from an object holding just that field, computed from the
/// record when it is read.
enum ComputedFields {
    /// The computed field a path names, nil for an ordinary path.
    static func field(of path: FieldPath) -> CloudTrailFacts.Field? {
        let components = path.components
        guard components.count >= 2, components[0] == CloudTrailFacts.prefix else { return nil }
        return CloudTrailFacts.Field(rawValue: components[1])
    }

    /// `{"firebreak": {field: value}}` for `record` (the inner object empty when the field does not apply).
    static func root(_ field: CloudTrailFacts.Field, of record: JSONValue) -> JSONValue {
        var inner = JSONObject()
        if let value = CloudTrailFacts.value(field, of: record) { inner.append(field.rawValue, value) }
        return .object(JSONObject([(CloudTrailFacts.prefix, .object(inner))]))
    }

    /// The JSON to read `path` from in `event`: `root` itself, unless the path is computed and the event CloudTrail.
    static func source(_ root: JSONValue, _ path: FieldPath, _ event: DetectionEvent) -> JSONValue {
        guard event.kind == .cloudTrail, let field = field(of: path) else { return root }
        return self.root(field, of: root)
    }
}
