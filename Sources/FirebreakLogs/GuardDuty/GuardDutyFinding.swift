/// One GuardDuty finding, from the `detail` of an EventBridge event with `detail-type: GuardDuty Finding`
/// (`source: aws.guardduty`), or a bare finding object (an S3 export or `GetFindings` output element).
///
/// Rules read the finding itself (`type`, `severity`, `resource.resourceType`,
/// `resource.instanceDetails.instanceId`, `service.action.actionType`, ...); the envelope's other members are kept
/// in `eventBridgeEnvelope`.
public struct GuardDutyFinding: Sendable {
    /// The finding object.
    public var finding: JSONValue
    /// For EventBridge deliveries: the envelope's members other than `detail`
    /// (`version`, `id`, `detail-type`, `source`, `account`, `time`, `region`, `resources`).
    public var eventBridgeEnvelope: JSONObject?

    public static let eventBridgeDetailType = "GuardDuty Finding"

    public init(finding: JSONValue, eventBridgeEnvelope: JSONObject? = nil) {
        self.finding = finding
        self.eventBridgeEnvelope = eventBridgeEnvelope
    }

    /// The finding in `document`: the `detail` of a `GuardDuty Finding` EventBridge event, or a bare finding
    /// (`schemaVersion`, `type`, `resource` and a GuardDuty `arn`); nil for anything else.
    public static func decode(_ document: JSONValue) -> GuardDutyFinding? {
        guard case .object(let object) = document else { return nil }
        if object["detail-type"]?.stringValue == eventBridgeDetailType {
            guard let detail = object["detail"], case .object = detail else { return nil }
            var envelope = JSONObject()
            for (key, value) in object where key != "detail" { envelope.append(key, value) }
            return GuardDutyFinding(finding: detail, eventBridgeEnvelope: envelope)
        }
        if object["schemaVersion"]?.stringValue != nil, object["type"]?.stringValue != nil, object["resource"] != nil,
           let arn = object["arn"]?.stringValue, arn.contains(":guardduty:") {
            return GuardDutyFinding(finding: document)
        }
        return nil
    }

    private func string(_ key: String) -> String? { finding[key]?.stringValue }

    /// The finding type, e.g. `UnauthorizedAccess:EC2/TorClient`.
    public var type: String? { string("type") }
    /// 1.0–8.9 (low below 4, medium below 7, high below 9), 9.0–10.0 critical.
    public var severity: Double? {
        switch finding["severity"] {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        case .string(let s)?: return Double(s)
        default: return nil
        }
    }
    /// The finding id (`id`).
    public var id: String? { string("id") }
    public var accountID: String? { string("accountId") ?? eventBridgeEnvelope?["account"]?.stringValue }
    public var region: String? { string("region") ?? eventBridgeEnvelope?["region"]?.stringValue }
    /// ISO-8601 UTC text of the last update (`updatedAt`), else of the EventBridge event (`time`).
    public var updatedAt: String? { string("updatedAt") ?? eventBridgeEnvelope?["time"]?.stringValue }
    /// `resource.resourceType`: `Instance`, `AccessKey`, `S3Bucket`, ...
    public var resourceType: String? { finding["resource"]?["resourceType"]?.stringValue }
    public var instanceID: String? { finding.value(at: ["resource", "instanceDetails", "instanceId"])?.stringValue }
    public var accessKeyID: String? { finding.value(at: ["resource", "accessKeyDetails", "accessKeyId"])?.stringValue }
    public var userName: String? { finding.value(at: ["resource", "accessKeyDetails", "userName"])?.stringValue }
    /// The first bucket of `resource.s3BucketDetails` (a list).
    public var bucketName: String? { finding.value(at: ["resource", "s3BucketDetails", "name"])?.stringValue }
    /// The VPC of the instance's first network interface.
    public var vpcID: String? {
        finding.value(at: ["resource", "instanceDetails", "networkInterfaces", "vpcId"])?.stringValue
    }
}
