import FirebreakLogs
import FirebreakTime

/// A stored finding in the AWS Security Finding Format, ready for Security Hub's BatchImportFindings.
///
/// The ASFF `Id` is `firebreak/<finding id>`, so importing the finding again (a later count, a redelivery) updates it
/// instead of adding one. Every required attribute is set: `SchemaVersion` 2018-10-08, `Id`, `ProductArn` (the
/// custom-integration product of the import account, `arn:aws:securityhub:<region>:<account>:product/<account>/default`),
/// `GeneratorId` (`firebreak:<rule id>`), `AwsAccountId`, `Types` (from the rule's ATT&CK tags, see `ASFFTaxonomy`),
/// `CreatedAt` (first seen), `UpdatedAt` (now, or the last match when later), `Severity` (the rule level), `Title`
/// (≤ 256), `Description` (≤ 1024: the rule, resource, account, region and how often it matched when) and `Resources`
/// (the finding's resource with its ARN, then the instance, network interface, security group and VPC it names). Also
/// `FirstObservedAt`/`LastObservedAt`,
/// `FindingProviderFields` (severity and types, which finding providers update there), `ProductName`/`CompanyName`
/// and `ProductFields` (`firebreak/RuleId`, `firebreak/FindingId`, `firebreak/Count`, `firebreak/AccountId`,
/// `firebreak/LogSource`). The matched event is not included.
public struct ASFFFinding: Sendable, Equatable {
    /// Where and as whom the finding is imported, and the time of the export.
    public struct Context: Sendable, Equatable {
        /// The account the service runs in: a finding's account when its resource names none.
        public var ownAccountID: String
        /// The Security Hub region imported into (the `ProductArn`'s; resources keep their own region).
        public var region: String
        public var importAccount: ImportAccount
        /// The time of the export (`UpdatedAt`), milliseconds since the epoch.
        public var nowMillis: Int64

        public init(ownAccountID: String, region: String, importAccount: ImportAccount = .findingAccount, nowMillis: Int64) {
            self.ownAccountID = ownAccountID
            self.region = region
            self.importAccount = importAccount
            self.nowMillis = nowMillis
        }
    }

    /// The account a finding is imported as: its `AwsAccountId` and the account of its `ProductArn`. BatchImportFindings
    /// accepts a finding only from the account in its `AwsAccountId` (partner integrations aside; an administrator
    /// account cannot import for its members), and the default product ARN is that account's own.
    public enum ImportAccount: Sendable, Equatable {
        /// The finding's account (its resource's, else the service's): the caller imports as that account (a role in
        /// each member account).
        case findingAccount
        /// One account for every finding (a central security account); the finding's account stays in its resource
        /// ARNs and in `ProductFields` `firebreak/AccountId`.
        case account(String)
    }

    /// Security Hub's limit per finding.
    public static let maxBytes = 240 * 1024
    public static let schemaVersion = "2018-10-08"
    static let maxTitleLength = 256
    static let maxDescriptionLength = 1024
    static let maxProductFieldLength = 2048

    /// The ASFF `Id`.
    public var id: String
    /// `AwsAccountId`: the account BatchImportFindings must be called as.
    public var awsAccountID: String
    public var productArn: String
    /// The finding as one JSON object.
    public var json: String

    /// The ASFF `Id` of a Firebreak finding id.
    public static func id(findingID: String) -> String { "firebreak/" + findingID }

    /// Renders `finding`; throws when its stored JSON is unreadable, the context's accounts or region are malformed,
    /// or the result would be above 240 KB.
    public init(_ finding: StoredFinding, context: Context) throws(ASFFFindingError) {
        guard ASFFTaxonomy.isAccountID(context.ownAccountID) else { throw .invalidAccount(context.ownAccountID) }
        if case .account(let account) = context.importAccount, !ASFFTaxonomy.isAccountID(account) {
            throw .invalidAccount(account)
        }
        guard ASFFTaxonomy.isRegion(context.region) else { throw .invalidRegion(context.region) }
        let parsed: JSONValue
        do {
            parsed = try JSONParser().parse(finding.json)
        } catch {
            throw .unreadableFinding(id: finding.id, reason: error.description)
        }
        guard let root = parsed.objectValue else { throw .unreadableFinding(id: finding.id, reason: "not a JSON object") }

        let resource = Self.resourceFields(root["resource"]?.objectValue, finding: finding)
        let findingAccount = resource.accountID.flatMap { ASFFTaxonomy.isAccountID($0) ? $0 : nil } ?? context.ownAccountID
        let account: String
        switch context.importAccount {
        case .findingAccount: account = findingAccount
        case .account(let central): account = central
        }
        let partition = ASFFTaxonomy.partition(region: context.region)
        let productArn = "arn:\(partition):securityhub:\(context.region):\(account):product/\(account)/default"
        let id = Self.id(findingID: finding.id)
        let logSource = root["logsource"]?.stringValue
        let tags = root["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let types = ASFFTaxonomy.types(tags: tags, logSource: logSource)
        let severity = JSONValue.object(JSONObject([
            ("Label", .string(ASFFTaxonomy.severityLabel(level: finding.level))), ("Original", .string(finding.level)),
        ]))
        let resourceRegion = resource.region.flatMap { ASFFTaxonomy.isRegion($0) ? $0 : nil } ?? context.region

        var object = JSONObject()
        object.append("SchemaVersion", .string(Self.schemaVersion))
        object.append("Id", .string(id))
        object.append("ProductArn", .string(productArn))
        object.append("ProductName", .string("Firebreak"))
        object.append("CompanyName", .string("Firebreak"))
        object.append("GeneratorId", .string(ASFFTaxonomy.truncated("firebreak:" + finding.ruleID, maxUTF16: 512)))
        object.append("AwsAccountId", .string(account))
        object.append("Types", .array(types.map { .string($0) }))
        object.append("CreatedAt", .string(Self.time(finding.firstSeenMillis)))
        // Never before the last match (an event time ahead of this clock): an update older than what it updates is void.
        object.append("UpdatedAt", .string(Self.time(max(context.nowMillis, finding.lastSeenMillis))))
        object.append("FirstObservedAt", .string(Self.time(finding.firstSeenMillis)))
        object.append("LastObservedAt", .string(Self.time(finding.lastSeenMillis)))
        object.append("Severity", severity)
        object.append("Title", .string(ASFFTaxonomy.truncated(finding.title.isEmpty ? finding.ruleID : finding.title,
                                                              maxUTF16: Self.maxTitleLength)))
        object.append("Description", .string(Self.description(finding, root: root, resource: resource,
                                                              account: findingAccount, region: resourceRegion)))
        object.append("Resources", .array(ASFFTaxonomy.resources(resource, account: findingAccount,
                                                                 defaultRegion: context.region)))
        object.append("FindingProviderFields", .object(JSONObject([("Severity", severity),
                                                                   ("Types", .array(types.map { .string($0) }))])))
        var fields = JSONObject()
        func field(_ key: String, _ value: String) {
            fields.append(key, .string(ASFFTaxonomy.truncated(value, maxUTF16: Self.maxProductFieldLength)))
        }
        field("firebreak/RuleId", finding.ruleID)
        field("firebreak/FindingId", finding.id)
        field("firebreak/Count", String(finding.count))
        field("firebreak/AccountId", findingAccount)
        if let logSource, !logSource.isEmpty { field("firebreak/LogSource", logSource) }
        object.append("ProductFields", .object(fields))

        let json = JSONValue.object(object).serialized()
        let bytes = json.utf8.count
        guard bytes <= Self.maxBytes else { throw .tooLarge(id: finding.id, bytes: bytes) }
        self.id = id
        self.awsAccountID = account
        self.productArn = productArn
        self.json = json
    }

    /// ISO 8601 with milliseconds, UTC (`2026-05-01T12:00:00.000Z`).
    static func time(_ millis: Int64) -> String { UTCTime(clampingMillis: millis).iso8601 }

    /// The finding's `resource` object; the stored columns when it has no type or id.
    static func resourceFields(_ object: JSONObject?, finding: StoredFinding) -> ASFFTaxonomy.ResourceFields {
        func string(_ key: String) -> String? {
            guard let value = object?[key]?.stringValue, !value.isEmpty else { return nil }
            return value
        }
        var fields = ASFFTaxonomy.ResourceFields(
            type: string("type"), id: string("id"), instanceID: string("instanceId"), interfaceID: string("interfaceId"),
            securityGroupID: string("securityGroupId"), vpcID: string("vpcId"), accountID: string("accountId"),
            region: string("region"))
        if fields.type == nil, !finding.resourceType.isEmpty { fields.type = finding.resourceType }
        if fields.id == nil, !finding.resourceID.isEmpty { fields.id = finding.resourceID }
        return fields
    }

    /// `<rule title> on <resource> in account <account> (<region>). Matched N times between A and B.`, then the
    /// correlation and the matched fields, cut to 1,024.
    static func description(_ finding: StoredFinding, root: JSONObject, resource: ASFFTaxonomy.ResourceFields,
                            account: String, region: String) -> String {
        var text = "\(finding.title.isEmpty ? finding.ruleID : finding.title) on \(ASFFTaxonomy.phrase(resource)) "
            + "in account \(account) (\(region))."
        if finding.count <= 1 {
            text += " Matched once at \(time(finding.firstSeenMillis))."
        } else {
            text += " Matched \(finding.count) times between \(time(finding.firstSeenMillis)) and \(time(finding.lastSeenMillis))."
        }
        if let correlation = root["correlation"]?.objectValue {
            let type = correlation["type"]?.stringValue ?? "correlation"
            let count = correlation["count"]?.int64Value.map(String.init) ?? "several"
            let group = (correlation["groupBy"]?.objectValue).map { object in
                object.map { "\($0.key)=\(render($0.value))" }.joined(separator: ", ")
            } ?? ""
            text += " \(type) of \(count) events" + (group.isEmpty ? "." : " grouped by \(group).")
        }
        if let matched = root["matched"]?.objectValue, matched.count > 0 {
            text += " Matched fields: " + matched.map { "\($0.key)=\(render($0.value))" }.joined(separator: "; ") + "."
        }
        return ASFFTaxonomy.truncated(text, maxUTF16: maxDescriptionLength)
    }

    /// A matched value in a sentence: strings as they are, lists joined, each cut to 100.
    private static func render(_ value: JSONValue) -> String {
        let text: String
        switch value {
        case .string(let s): text = s
        case .array(let items): text = items.map(render).joined(separator: ", ")
        case .null: text = "null"
        default: text = value.serialized()
        }
        return ASFFTaxonomy.truncated(text, maxUTF16: 100)
    }
}
