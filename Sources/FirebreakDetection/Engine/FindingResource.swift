import FirebreakLogs

/// What a finding concerns, as far as the event tells: the resource a response would act on.
public struct FindingResource: Sendable, Equatable {
    public var type: String?          // "instance", "network-interface", "security-group", "trail", "bucket", "account", "address"
    public var id: String?
    public var instanceID: String?
    public var interfaceID: String?
    public var securityGroupID: String?
    public var vpcID: String?
    public var accountID: String?
    public var region: String?

    public init() {}

    /// Reads the resource from an event: the instance and ENI of a flow record, or the security group,
    /// trail, bucket or user named in a CloudTrail record's request parameters.
    public init(event: DetectionEvent) {
        switch event.storage.decoded.event {
        case .flow(let flow):
            instanceID = flow.instanceID
            interfaceID = flow.interfaceID
            vpcID = flow.vpcID
            accountID = flow.accountID
            region = flow.region
            if let instance = instanceID { type = "instance"; id = instance } else if let eni = interfaceID { type = "network-interface"; id = eni }
        case .cloudTrail(let record):
            accountID = record.recipientAccountId ?? record.userIdentityAccountId
            region = record.awsRegion
            let parameters = record.value(at: ["requestParameters"])
            func string(_ key: String) -> String? { parameters?[key]?.stringValue }
            if let group = string("groupId") {
                type = "security-group"; id = group; securityGroupID = group
            } else if let instance = parameters?.values(at: ["instancesSet", "items", "instanceId"]).first?.stringValue ?? string("instanceId") {
                type = "instance"; id = instance; instanceID = instance
            } else if let acl = string("networkAclId") {
                type = "network-acl"; id = acl
            } else if let trail = string("name"), record.eventSource == "cloudtrail.amazonaws.com" {
                type = "trail"; id = trail
            } else if let bucket = string("bucketName") {
                type = "bucket"; id = bucket
            } else if let user = string("userName") {
                type = "user"; id = user
            } else if let detector = string("detectorId") {
                type = "guardduty-detector"; id = detector
            } else if let snapshot = string("snapshotId") {
                type = "snapshot"; id = snapshot
            } else if let image = string("imageId") {
                type = "image"; id = image
            } else {
                type = "account"; id = accountID
            }
            if let vpc = string("vpcId") { vpcID = vpc }
        default:
            break
        }
    }

    public func jsonValue() -> JSONValue {
        var object = JSONObject()
        let pairs: [(String, String?)] = [("type", type), ("id", id), ("instanceId", instanceID), ("interfaceId", interfaceID),
                                          ("securityGroupId", securityGroupID), ("vpcId", vpcID), ("accountId", accountID),
                                          ("region", region)]
        for (key, value) in pairs { if let value { object.append(key, .string(value)) } }
        return .object(object)
    }
}
