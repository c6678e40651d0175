import FirebreakLogs
import Foundation

/// How Firebreak's vocabulary maps onto ASFF's: ATT&CK tags onto finding types, rule levels onto severity labels,
/// finding resources onto ASFF resource types and ARNs.
///
/// Types follow Security Hub's "Types taxonomy for ASFF" (namespace/category): the ten `TTPs` categories align with
/// ATT&CK tactics (reconnaissance goes to Discovery; ATT&CK v18's defense-impairment and stealth to Defense Evasion);
/// exfiltration is `Effects/Data Exfiltration`; impact is `Effects`, made precise by its technique (T1485, T1486,
/// T1490 Data Destruction; T1496 Resource Consumption; T1498, T1499 Denial of Service). A finding no tag maps is
/// an unusual behavior of its log source: `Unusual Behaviors/Network Flow` for flow logs, `Unusual Behaviors/User`
/// for CloudTrail (a principal's API calls), else `Unusual Behaviors`.
enum ASFFTaxonomy {
    /// The resource fields of a finding's JSON (`resource`), the columns as fallback.
    struct ResourceFields: Equatable {
        var type: String?
        var id: String?
        var instanceID: String?
        var interfaceID: String?
        var securityGroupID: String?
        var vpcID: String?
        var accountID: String?
        var region: String?
    }

    /// Security Hub accepts up to 50 types per finding.
    static let maxTypes = 50
    /// Resource identifiers from events are cut to this many UTF-16 units (AWS names are far shorter).
    static let maxIdentifierLength = 256

    // MARK: Types

    /// The finding types of `tags` (Sigma's `attack.<tactic>` and `attack.t<technique>`), deduplicated in tag order;
    /// the log source's unusual behavior when none maps.
    static func types(tags: [String], logSource: String?) -> [String] {
        var types: [String] = []
        func add(_ type: String) {
            if !types.contains(type), types.count < maxTypes { types.append(type) }
        }
        var impact = false
        var impactRefined = false
        for tag in tags {
            let name = tag.lowercased().replacingOccurrences(of: "_", with: "-")
            guard name.hasPrefix("attack.") else { continue }
            let value = String(name.dropFirst("attack.".count))
            if let category = tacticTypes[value] {
                add(category)
            } else if value == "impact" || value == "ta0040" {
                impact = true
            } else if let effect = techniqueEffects[value.split(separator: ".").first.map(String.init) ?? value] {
                add(effect)
                impactRefined = true
            }
        }
        if impact && !impactRefined { add("Effects") }
        if types.isEmpty {
            switch logSource {
            case "vpcflowlogs": add("Unusual Behaviors/Network Flow")
            case "cloudtrail": add("Unusual Behaviors/User")
            default: add("Unusual Behaviors")
            }
        }
        return types
    }

    /// ATT&CK tactics (names and ids) → ASFF types.
    private static let tacticTypes: [String: String] = {
        let pairs: [([String], String)] = [
            (["initial-access", "ta0001"], "TTPs/Initial Access"),
            (["execution", "ta0002"], "TTPs/Execution"),
            (["persistence", "ta0003"], "TTPs/Persistence"),
            (["privilege-escalation", "ta0004"], "TTPs/Privilege Escalation"),
            (["defense-evasion", "ta0005", "defense-impairment", "stealth"], "TTPs/Defense Evasion"),
            (["credential-access", "ta0006"], "TTPs/Credential Access"),
            (["discovery", "ta0007", "reconnaissance", "ta0043"], "TTPs/Discovery"),
            (["lateral-movement", "ta0008"], "TTPs/Lateral Movement"),
            (["collection", "ta0009"], "TTPs/Collection"),
            (["command-and-control", "ta0011"], "TTPs/Command and Control"),
            (["exfiltration", "ta0010"], "Effects/Data Exfiltration"),
        ]
        var map: [String: String] = [:]
        for (names, type) in pairs { for name in names { map[name] = type } }
        return map
    }()

    /// Impact techniques (without sub-technique) → the Effects category they cause.
    private static let techniqueEffects: [String: String] = [
        "t1485": "Effects/Data Destruction", "t1486": "Effects/Data Destruction", "t1490": "Effects/Data Destruction",
        "t1496": "Effects/Resource Consumption",
        "t1498": "Effects/Denial of Service", "t1499": "Effects/Denial of Service",
    ]

    // MARK: Severity

    /// `Severity.Label` of a rule level; an unknown level is INFORMATIONAL.
    static func severityLabel(level: String) -> String {
        switch level.lowercased() {
        case "critical": return "CRITICAL"
        case "high": return "HIGH"
        case "medium": return "MEDIUM"
        case "low": return "LOW"
        default: return "INFORMATIONAL"
        }
    }

    // MARK: Resources

    /// The partition of a region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else `aws`.
    static func partition(region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }

    /// The finding's resource first (the account when it names none), then the instance, network interface, security
    /// group and VPC it also names; each `{Type, Id, Partition, Region}` with an ARN where the type has one.
    static func resources(_ fields: ResourceFields, account: String, defaultRegion: String) -> [JSONValue] {
        let region = fields.region.flatMap { isRegion($0) ? $0 : nil } ?? defaultRegion
        let partition = partition(region: region)
        var seen: Set<String> = []
        var resources: [JSONValue] = []
        func add(_ type: String, _ id: String) {
            guard seen.insert(type + " " + id).inserted else { return }
            var object = JSONObject()
            object.append("Type", .string(type))
            object.append("Id", .string(id))
            object.append("Partition", .string(partition))
            object.append("Region", .string(region))
            resources.append(.object(object))
        }
        func ec2(_ kind: String, _ id: String) -> String { "arn:\(partition):ec2:\(region):\(account):\(kind)/\(id)" }
        let primaryID = fields.id.flatMap(identifier)
        switch (fields.type, primaryID) {
        case let ("instance", id?): add("AwsEc2Instance", ec2("instance", id))
        case let ("network-interface", id?): add("AwsEc2NetworkInterface", ec2("network-interface", id))
        case let ("security-group", id?): add("AwsEc2SecurityGroup", ec2("security-group", id))
        case let ("network-acl", id?): add("AwsEc2NetworkAcl", ec2("network-acl", id))
        case let ("vpc", id?): add("AwsEc2Vpc", ec2("vpc", id))
        case let ("snapshot", id?): add("Other", "arn:\(partition):ec2:\(region)::snapshot/\(id)")
        case let ("image", id?): add("Other", "arn:\(partition):ec2:\(region)::image/\(id)")
        case let ("trail", id?):
            add("AwsCloudTrailTrail", id.hasPrefix("arn:") ? id : "arn:\(partition):cloudtrail:\(region):\(account):trail/\(id)")
        case let ("bucket", id?): add("AwsS3Bucket", id.hasPrefix("arn:") ? id : "arn:\(partition):s3:::\(id)")
        case let ("user", id?): add("AwsIamUser", id.hasPrefix("arn:") ? id : "arn:\(partition):iam::\(account):user/\(id)")
        case let ("access-key", id?): add("AwsIamAccessKey", id)
        case let ("guardduty-detector", id?):
            add("AwsGuardDutyDetector", "arn:\(partition):guardduty:\(region):\(account):detector/\(id)")
        case (_, nil), ("account", _): add("AwsAccount", "AWS::::Account:\(account)")
        case let (_, id?): add("Other", id)
        }
        if let instance = fields.instanceID.flatMap(identifier) { add("AwsEc2Instance", ec2("instance", instance)) }
        if let eni = fields.interfaceID.flatMap(identifier) { add("AwsEc2NetworkInterface", ec2("network-interface", eni)) }
        if let group = fields.securityGroupID.flatMap(identifier) { add("AwsEc2SecurityGroup", ec2("security-group", group)) }
        if let vpc = fields.vpcID.flatMap(identifier) { add("AwsEc2Vpc", ec2("vpc", vpc)) }
        return resources
    }

    /// A resource's name in a sentence: `instance i-0abc`, `trail org-trail`, `the account` when it names none.
    static func phrase(_ fields: ResourceFields) -> String {
        guard let id = fields.id.flatMap(identifier), let type = fields.type, type != "account" else { return "the account" }
        return "\(type.replacingOccurrences(of: "-", with: " ")) \(id)"
    }

    /// A non-empty identifier, cut to `maxIdentifierLength`.
    static func identifier(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : truncated(trimmed, maxUTF16: maxIdentifierLength)
    }

    /// Lower-case letters, digits and `-`, starting with a letter.
    static func isRegion(_ text: String) -> Bool {
        guard let first = text.utf8.first, first >= 0x61, first <= 0x7A, text.utf8.count <= 64 else { return false }
        return text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    /// Twelve ASCII digits.
    static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// `text` when it has at most `maxUTF16` UTF-16 units (how AWS's limits count), else its longest prefix of whole
    /// characters that leaves room for a closing `…`.
    static func truncated(_ text: String, maxUTF16: Int) -> String {
        guard text.utf16.count > maxUTF16 else { return text }
        var result = ""
        var length = 0
        for character in text {
            let units = character.utf16.count
            guard length + units <= maxUTF16 - 1 else { break }
            result.append(character)
            length += units
        }
        return result + "…"
    }
}
