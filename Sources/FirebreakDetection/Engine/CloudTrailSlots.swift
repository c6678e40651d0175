import FirebreakLogs

/// The nested `userIdentity` fields of a CloudTrail record, found once when its `DetectionEvent` is made (right
/// after decoding, while the record is in cache) and kept in one array, so the rules that read them on every event
/// (those with no `eventName` to dispatch on, such as "AWS STS AssumeRole Misuse" or the root-account rules)
/// read one value in place instead of walking the record's objects again for each rule.
///
/// A slot holds what `FieldMatcher`'s walk would reach: the value at the end of the path (null and lists
/// included, the walk visits those itself), absent, or "walk" when the path crosses a list on the way (rare;
/// every element must then be visited, so the matcher walks the record as before).
struct CloudTrailSlots: Sendable {
    enum Slot: Sendable {
        case absent
        case value(JSONValue)
        case walk
    }

    /// The paths with a slot.
    static let paths: [FieldPath] = [
        "userIdentity.type", "userIdentity.arn", "userIdentity.accountId", "userIdentity.principalId",
        "userIdentity.invokedBy", "userIdentity.userName", "userIdentity.sessionContext.sessionIssuer.type",
        "userIdentity.sessionContext.sessionIssuer.arn", "userIdentity.sessionContext.sessionIssuer.userName",
        "userIdentity.sessionContext.attributes.mfaAuthenticated",
    ]

    /// The slot of each path.
    static let index: [String: Int] = Dictionary(uniqueKeysWithValues: paths.enumerated().map { ($0.element.raw, $0.offset) })

    let slots: [Slot]

    init(_ root: JSONValue) {
        slots = Self.paths.map { Self.resolve(root, $0.components) }
    }

    /// What the walk from `root` along `components` reaches, member by member as `FieldMatcher` finds members
    /// (the usual CloudTrail position first at the top, else the last member with the key).
    static func resolve(_ root: JSONValue, _ components: [String]) -> Slot {
        var value = root
        for (depth, key) in components.enumerated() {
            switch value {
            case .object(let object):
                guard let next = member(object, key, hint: depth == 0 ? FieldMatcher.cloudTrailOrder[key] ?? Int.max : Int.max) else {
                    return .absent
                }
                value = next
            case .array:
                return .walk
            default:
                return .absent
            }
        }
        return .value(value)
    }

    private static func member(_ object: JSONObject, _ key: String, hint: Int) -> JSONValue? {
        let keys = object.keys
        if hint < keys.count && keys[hint].utf8.count == key.utf8.count && keys[hint] == key { return object.values[hint] }
        return object[key]
    }
}
