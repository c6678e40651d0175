import FirebreakLogs

/// What a finding concerns, as far as the event tells: the resource a response would act on.
public struct FindingResource: Sendable, Equatable {
    public var type: String?          // "instance", "network-interface", "security-group", "trail", "bucket", "access-key", "account", "address", "load-balancer", "distribution"
    public var id: String?
    public var instanceID: String?
    public var interfaceID: String?
    public var securityGroupID: String?
    public var vpcID: String?
    public var accountID: String?
    public var region: String?

    public init() {}

    /// Reads the resource from an event: the instance and ENI of a flow record, the security group,
    /// trail, bucket or user named in a CloudTrail record's request parameters, the instance that sent a DNS query
    /// (`srcids.instance`), or the instance, access key or bucket of a GuardDuty finding, an ALB entry's load balancer,
    /// an S3 server access log record's bucket, or a CloudFront log record's distribution.
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
            let parameters = record.member("requestParameters")
            if let (kind, name) = Self.cloudTrailTarget(record, parameters) {
                type = kind; id = name
                if kind == "security-group" { securityGroupID = name } else if kind == "instance" { instanceID = name }
            } else {
                type = "account"; id = accountID
            }
            if let vpc = parameters.flatMap({ record.tape.member($0, "vpcId") }).flatMap(record.tape.stringValue) { vpcID = vpc }
        case .dnsQuery(let record):
            instanceID = record.instanceID
            vpcID = record.vpcID
            accountID = record.accountID
            region = record.region
            if let (kind, name) = Self.dnsTarget(record) { type = kind; id = name }
        case .guardDuty(let finding):
            instanceID = finding.instanceID
            vpcID = finding.vpcID
            accountID = finding.accountID
            region = finding.region
            if let (kind, name) = Self.guardDutyTarget(finding) { type = kind; id = name } else { type = "account"; id = accountID }
        case .alb, .s3Access, .cloudFront:
            let record = event.storage.decoded.event
            if let (kind, name) = Self.accessLogTarget(record) {
                type = kind; id = name
            } else if let client = Self.accessLogClient(record) {
                type = "address"; id = client
            }
        default:
            break
        }
    }

    /// Adds the `type` and `id` that `init(event:)` reads to `stableID`, without building the rest (a flow record's
    /// id is hashed from its bytes in place: this runs for every rule match); false, adding nothing, when it finds no id.
    static func addTarget(of event: DetectionEvent, to stableID: inout StableID) -> Bool {
        switch event.storage.decoded.event {
        case .flow(let flow):
            return addTarget(of: flow, to: &stableID)
        case .cloudTrail(let record):
            guard let (type, id) = cloudTrailTarget(record, record.member("requestParameters"))
                ?? (record.recipientAccountId ?? record.userIdentityAccountId).map({ ("account", $0) }) else { return false }
            stableID.add(type)
            stableID.add(id)
            return true
        case .dnsQuery(let record):
            guard let (type, id) = dnsTarget(record) else { return false }
            stableID.add(type)
            stableID.add(id)
            return true
        case .guardDuty(let finding):
            guard let (type, id) = guardDutyTarget(finding) ?? finding.accountID.map({ ("account", $0) }) else { return false }
            stableID.add(type)
            stableID.add(id)
            return true
        case .alb, .s3Access, .cloudFront:
            guard let (type, id) = accessLogTarget(event.storage.decoded.event) else { return false }
            stableID.add(type)
            stableID.add(id)
            return true
        default:
            return false
        }
    }

    /// `addTarget(of:to:)` for a flow record: as `init(event:)`, the instance, else the ENI.
    static func addTarget(of flow: FlowLogRecord, to stableID: inout StableID) -> Bool {
        func add(_ field: FlowLogField, as type: String) -> Bool {
            flow.withRawBytes(field) { (bytes: UnsafeBufferPointer<UInt8>) -> Bool in
                stableID.add(type)
                stableID.add(bytes: bytes)
                return true
            } ?? false
        }
        return add(.instanceID, as: "instance") || add(.interfaceID, as: "network-interface")
    }

    /// The resource an access log record names: an ALB entry's load balancer, an S3 server access record's bucket, a
    /// CloudFront record's distribution; nil for none (and for other events).
    private static func accessLogTarget(_ event: LogEvent) -> (type: String, id: String)? {
        switch event {
        case .alb(let record): return record.elb.map { ("load-balancer", $0) }
        case .s3Access(let record): return record.bucket.map { ("bucket", $0) }
        case .cloudFront(let record): return record.distribution.map { ("distribution", $0) }
        default: return nil
        }
    }

    /// The client address of an access log record (`init(event:)`'s resource when the record names no target).
    private static func accessLogClient(_ event: LogEvent) -> String? {
        switch event {
        case .alb(let record): return record.value(of: .clientIP)
        case .s3Access(let record): return record.value(of: .remoteIP)
        case .cloudFront(let record): return record.value(of: .clientIP)
        default: return nil
        }
    }

    /// The instance that sent a DNS query, else the inbound Resolver endpoint it came through.
    private static func dnsTarget(_ record: Route53QueryRecord) -> (type: String, id: String)? {
        if let instance = record.instanceID { return ("instance", instance) }
        if let endpoint = record.resolverEndpointID { return ("resolver-endpoint", endpoint) }
        return nil
    }

    /// The resource of a GuardDuty finding: its instance, else its access key, else its (first) bucket.
    private static func guardDutyTarget(_ finding: GuardDutyFinding) -> (type: String, id: String)? {
        if let instance = finding.instanceID { return ("instance", instance) }
        if let key = finding.accessKeyID { return ("access-key", key) }
        if let bucket = finding.bucketName { return ("bucket", bucket) }
        return nil
    }

    /// The resource a CloudTrail record's request parameters name (security group, instance, network ACL, trail,
    /// bucket, user, GuardDuty detector, snapshot, image, first found in that order); nil for none (the account).
    /// `parameters` is the entry of `requestParameters` in the record's tape.
    private static func cloudTrailTarget(_ record: CloudTrailRecord, _ parameters: Int?) -> (type: String, id: String)? {
        guard let parameters else { return nil }
        let tape = record.tape
        // The members below read in one walk of the parameters (the last of a repeated key, as a lookup finds it).
        var found = [Int?](repeating: nil, count: targetKeys.count)
        if tape.kind(parameters) == .object {
            var i = parameters + 1
            let end = tape.next(parameters)
            while i < end {
                for (k, key) in targetKeys.enumerated() where tape.keyEquals(i, key) { found[k] = i + 1 }
                i = tape.next(i + 1)
            }
        }
        func string(_ key: TargetKey) -> String? { found[key.rawValue].flatMap(tape.stringValue) }
        if let group = string(.groupId) { return ("security-group", group) }
        let instances = tape.kind(parameters) == .object
            ? found[TargetKey.instancesSet.rawValue].flatMap { tape.values(at: ["items", "instanceId"], from: $0).first }
            : tape.values(at: ["instancesSet", "items", "instanceId"], from: parameters).first
        if let instance = instances.flatMap(tape.stringValue) ?? string(.instanceId) {
            return ("instance", instance)
        }
        if let acl = string(.networkAclId) { return ("network-acl", acl) }
        if let trail = string(.name), record.eventSource == "cloudtrail.amazonaws.com" { return ("trail", trail) }
        if let bucket = string(.bucketName) { return ("bucket", bucket) }
        if let user = string(.userName) { return ("user", user) }
        if let detector = string(.detectorId) { return ("guardduty-detector", detector) }
        if let snapshot = string(.snapshotId) { return ("snapshot", snapshot) }
        if let image = string(.imageId) { return ("image", image) }
        return nil
    }

    /// The request parameters `cloudTrailTarget` reads, in `targetKeys` order.
    private enum TargetKey: Int {
        case groupId, instancesSet, instanceId, networkAclId, name, bucketName, userName, detectorId, snapshotId, imageId
    }

    /// Pointers into static string literals, which live as long as the process and are never written.
    nonisolated(unsafe) private static let targetKeys: [UnsafeBufferPointer<UInt8>] = [
        "groupId", "instancesSet", "instanceId", "networkAclId", "name", "bucketName", "userName", "detectorId", "snapshotId",
        "imageId",
    ].map { (key: StaticString) in UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount) }

    public func jsonValue() -> JSONValue {
        var object = JSONObject()
        let pairs: [(String, String?)] = [("type", type), ("id", id), ("instanceId", instanceID), ("interfaceId", interfaceID),
                                          ("securityGroupId", securityGroupID), ("vpcId", vpcID), ("accountId", accountID),
                                          ("region", region)]
        for (key, value) in pairs { if let value { object.append(key, .string(value)) } }
        return .object(object)
    }
}
