/// One CloudTrail event record. The whole record is kept as JSON for field-path lookups
/// (`requestParameters.ipPermissions.items.ipRanges.items.cidrIp`), with typed accessors for
/// the common top-level fields.
public struct CloudTrailRecord: Sendable {
    /// The record object.
    public var record: JSONValue
    public var envelope: CloudTrailEnvelope
    /// For EventBridge deliveries: the envelope's members other than `detail`
    /// (`version`, `id`, `detail-type`, `source`, `account`, `time`, `region`, `resources`).
    public var eventBridgeEnvelope: JSONObject?

    public init(record: JSONValue, envelope: CloudTrailEnvelope, eventBridgeEnvelope: JSONObject? = nil) {
        self.record = record
        self.envelope = envelope
        self.eventBridgeEnvelope = eventBridgeEnvelope
    }

    /// The first value at a path of object keys (arrays on the way match any element).
    public func value(at path: [String]) -> JSONValue? { record.value(at: path) }
    /// `value(at:)` with a dotted path, e.g. `"userIdentity.type"`.
    public func value(at dottedPath: String) -> JSONValue? { record.value(at: dottedPath) }
    /// Every value at a path, following every element of arrays on the way.
    public func values(at path: [String]) -> [JSONValue] { record.values(at: path) }
    /// `values(at:)` with a dotted path.
    public func values(at dottedPath: String) -> [JSONValue] { record.values(at: dottedPath) }

    private func string(_ key: String) -> String? { record[key]?.stringValue }

    public var eventName: String? { string("eventName") }
    public var eventSource: String? { string("eventSource") }
    /// ISO-8601 UTC text, e.g. `2026-01-01T10:05:00Z`.
    public var eventTime: String? { string("eventTime") }
    public var eventID: String? { string("eventID") }
    public var awsRegion: String? { string("awsRegion") }
    public var recipientAccountId: String? { string("recipientAccountId") }
    /// An IP address, or a service DNS name for calls made by AWS services.
    public var sourceIPAddress: String? { string("sourceIPAddress") }
    public var errorCode: String? { string("errorCode") }
    public var readOnly: Bool? { record["readOnly"]?.boolValue }
    /// `userIdentity.type`: `Root`, `IAMUser`, `AssumedRole`, `AWSService`, ...
    public var userIdentityType: String? { record["userIdentity"]?["type"]?.stringValue }
    public var userIdentityARN: String? { record["userIdentity"]?["arn"]?.stringValue }
    public var userIdentityAccountId: String? { record["userIdentity"]?["accountId"]?.stringValue }
}
