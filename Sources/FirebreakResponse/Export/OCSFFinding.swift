import FirebreakDetection
import FirebreakLogs
import FirebreakTime

/// A Firebreak finding as an OCSF Detection Finding (class 2004 in category 2, Findings, with the `cloud` profile), for
/// `firebreak replay --format ocsf`, `firebreak findings --format ocsf`, `GET /findings?format=ocsf` and EventBridge.
///
/// The activity is Create (1, `type_uid` 200401) while the finding holds one match, and Update (2, 200402) once later
/// matches were merged into it (`count` > 1): its first match created it, each later one changed its count and last
/// seen time. `time` is the last seen time (when the finding last changed, in event time); the first and last seen
/// times are in `finding_info`, and an aggregated finding also carries `count`, `start_time`, `end_time` and
/// `duration`. The rule is the analytic (`type_id` 1, Rule); the rule's tags (ATT&CK tactics and techniques) are the
/// finding's `types` (the log source when a rule has no tags); the fields the rule matched are the `data` of one
/// evidence; what has no OCSF attribute (a correlation, the matched event) goes under `unmapped` as Firebreak names it.
/// Only attributes OCSF 1.6.0 defines for the class are written (the tests validate against 1.6.0 and 1.9.0-dev).
public struct OCSFFinding: Sendable {
    /// The OCSF version written in `metadata.version` (Security Hub consumes 1.6).
    public static let schemaVersion = "1.6.0"
    public static let classUID: Int64 = 2004
    public static let categoryUID: Int64 = 2

    /// Written as `metadata.product.version` when set.
    public var productVersion: String?

    public init(productVersion: String? = nil) {
        self.productVersion = productVersion
    }

    /// The stored finding: its JSON, with count, first and last seen from the row; the row's columns stand in for
    /// members the JSON lacks (or for all of them when it does not parse as an object).
    public func render(_ stored: StoredFinding) -> JSONValue {
        var source = (try? JSONParser().parse(stored.json))?.objectValue ?? JSONObject()
        var resource = JSONObject()
        if !stored.resourceType.isEmpty { resource.append("type", .string(stored.resourceType)) }
        if !stored.resourceID.isEmpty { resource.append("id", .string(stored.resourceID)) }
        let columns: [(String, JSONValue)] = [("ruleId", .string(stored.ruleID)), ("title", .string(stored.title)),
                                              ("level", .string(stored.level)), ("resource", .object(resource))]
        for (key, value) in columns where source[key] == nil { source.append(key, value) }
        return render(source, id: stored.id, count: stored.count, firstSeenMillis: stored.firstSeenMillis,
                      lastSeenMillis: stored.lastSeenMillis)
    }

    /// The matches of one delivery or replay merged into one finding (its JSON rendered once, `FindingAggregate.json()`).
    public func render(_ aggregate: inout FindingAggregate) -> JSONValue {
        render(aggregate.json().objectValue ?? JSONObject(), id: aggregate.finding.id, count: aggregate.count,
               firstSeenMillis: aggregate.firstMillis, lastSeenMillis: aggregate.lastMillis)
    }

    /// `finding` as `Finding.jsonValue()` renders it, with how many matches it merges and when the first and last
    /// happened (ms since the epoch); nil when it is not an object with a string `findingId`.
    public func render(finding: JSONValue, count: Int, firstSeenMillis: Int64, lastSeenMillis: Int64) -> JSONValue? {
        guard let source = finding.objectValue, let id = source["findingId"]?.stringValue else { return nil }
        return render(source, id: id, count: count, firstSeenMillis: firstSeenMillis, lastSeenMillis: lastSeenMillis)
    }

    private func render(_ source: JSONObject, id: String, count: Int, firstSeenMillis: Int64,
                        lastSeenMillis: Int64) -> JSONValue {
        let count = max(1, count)
        let first = min(firstSeenMillis, lastSeenMillis), last = max(firstSeenMillis, lastSeenMillis)
        let ruleID = source["ruleId"]?.stringValue
        let title = source["title"]?.stringValue ?? ruleID ?? id
        let level = source["level"]?.stringValue
        let logSource = source["logsource"]?.stringValue
        let resource = source["resource"]?.objectValue ?? JSONObject()
        let region = resource["region"]?.stringValue
        let account = resource["accountId"]?.stringValue
        let update = count > 1
        let description = Self.sentence(title: title, ruleID: ruleID, resource: resource, count: count, first: first,
                                        last: last)

        var out = JSONObject()
        out.append("class_uid", .int(Self.classUID))
        out.append("class_name", .string("Detection Finding"))
        out.append("category_uid", .int(Self.categoryUID))
        out.append("category_name", .string("Findings"))
        out.append("activity_id", .int(update ? 2 : 1))
        out.append("activity_name", .string(update ? "Update" : "Create"))
        out.append("type_uid", .int(Self.classUID * 100 + (update ? 2 : 1)))
        out.append("type_name", .string(update ? "Detection Finding: Update" : "Detection Finding: Create"))
        let severity = Self.severity(level)
        out.append("severity_id", .int(severity.id))
        out.append("severity", .string(severity.caption))
        out.append("time", .int(last))
        if update {
            out.append("count", .int(Int64(count)))
            out.append("start_time", .int(first))
            out.append("end_time", .int(last))
            out.append("duration", .int(last &- first))
        }
        out.append("message", .string(description))
        out.append("status_id", .int(1))
        out.append("status", .string("New"))
        out.append("is_alert", .bool(true))
        out.append("metadata", .object(metadata()))

        var info = JSONObject()
        info.append("uid", .string(id))
        info.append("title", .string(title))
        info.append("desc", .string(description))
        let tags = (source["tags"]?.arrayValue ?? []).compactMap(\.stringValue)
        let types = tags.isEmpty ? logSource.map { [$0] } ?? [] : tags
        if !types.isEmpty { info.append("types", .array(types.map { .string($0) })) }
        if let logSource { info.append("data_sources", .array([.string(logSource)])) }
        info.append("first_seen_time", .int(first))
        info.append("last_seen_time", .int(last))
        var analytic = JSONObject()
        analytic.append("type_id", .int(1))
        analytic.append("type", .string("Rule"))
        if let ruleID { analytic.append("uid", .string(ruleID)) }
        analytic.append("name", .string(title))
        info.append("analytic", .object(analytic))
        out.append("finding_info", .object(info))

        var cloud = JSONObject()
        cloud.append("provider", .string("AWS"))
        if let region {
            cloud.append("region", .string(region))
            cloud.append("cloud_partition", .string(Self.partition(region: region)))
        }
        if let account {
            cloud.append("account", .object(JSONObject([("uid", .string(account)), ("type_id", .int(10)),
                                                         ("type", .string("AWS Account"))])))
        }
        out.append("cloud", .object(cloud))

        if let resourceID = resource["id"]?.stringValue {
            var item = JSONObject()
            item.append("uid", .string(resourceID))
            if let type = resource["type"]?.stringValue { item.append("type", .string(type)) }
            if let region {
                item.append("region", .string(region))
                item.append("cloud_partition", .string(Self.partition(region: region)))
            }
            item.append("role_id", .int(1))
            item.append("role", .string("Target"))
            var data = JSONObject()
            // The ids the resource's uid, cloud and region do not already say (the ENI and VPC of an instance, ...).
            for (key, value) in resource where !["type", "id", "region", "accountId"].contains(key)
                && value != .string(resourceID) {
                data.append(key, value)
            }
            if data.count > 0 { item.append("data", .object(data)) }
            out.append("resources", .array([.object(item)]))
        }
        if let matched = source["matched"], !matched.isNull, matched.objectValue?.count != 0 {
            out.append("evidences", .array([.object(JSONObject([("data", matched)]))]))
        }
        var unmapped = JSONObject()
        for (key, value) in source where !Self.mapped.contains(key) { unmapped.append(key, value) }
        if unmapped.count > 0 { out.append("unmapped", .object(unmapped)) }
        return .object(out)
    }

    /// Members of the finding's JSON that have an OCSF attribute (the rest goes under `unmapped`); `count`,
    /// `firstSeen` and `lastSeen` are those the API and replay add, given to `render` as numbers.
    private static let mapped: Set<String> = ["findingId", "ruleId", "title", "level", "time", "logsource", "tags",
                                              "resource", "matched", "count", "firstSeen", "lastSeen"]

    private func metadata() -> JSONObject {
        var product = JSONObject()
        product.append("name", .string("Firebreak"))
        product.append("vendor_name", .string("Firebreak"))
        if let productVersion { product.append("version", .string(productVersion)) }
        return JSONObject([("version", .string(Self.schemaVersion)), ("product", .object(product))])
    }

    /// OCSF `severity_id` and its caption for a rule level; 99 (Other, with the level as caption) for a level OCSF
    /// does not name, 0 (Unknown) without one.
    static func severity(_ level: String?) -> (id: Int64, caption: String) {
        guard let level, !level.isEmpty else { return (0, "Unknown") }
        switch RuleLevel(rawValue: level) {
        case .informational: return (1, "Informational")
        case .low: return (2, "Low")
        case .medium: return (3, "Medium")
        case .high: return (4, "High")
        case .critical: return (5, "Critical")
        case nil: return (99, level)
        }
    }

    /// The AWS partition a region belongs to (`aws-cn` for `cn-north-1`, `aws-us-gov` for `us-gov-west-1`).
    static func partition(region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        if region.hasPrefix("us-isob-") { return "aws-iso-b" }
        if region.hasPrefix("us-iso-") { return "aws-iso" }
        return "aws"
    }

    /// "Rule <id> (<title>) matched 3 events on instance i-0… in account 1234… (us-east-1) from <first> to <last>."
    private static func sentence(title: String, ruleID: String?, resource: JSONObject, count: Int, first: Int64,
                                 last: Int64) -> String {
        var text = ruleID.map { "Rule \($0) (\(title))" } ?? title
        text += count == 1 ? " matched 1 event" : " matched \(count) events"
        if let id = resource["id"]?.stringValue {
            text += " on " + (resource["type"]?.stringValue.map { "\($0) " } ?? "") + id
        }
        if let account = resource["accountId"]?.stringValue, resource["id"]?.stringValue != account {
            text += " in account \(account)"
        }
        if let region = resource["region"]?.stringValue { text += " (\(region))" }
        let firstText = UTCTime(clampingMillis: first).iso8601
        text += count == 1 || first == last ? " at \(firstText)." : " from \(firstText) to \(UTCTime(clampingMillis: last).iso8601)."
        return text
    }
}
