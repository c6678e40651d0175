import FirebreakDetection
import FirebreakLogs
import Foundation
import Testing
@testable import FirebreakResponse

/// Stored findings rendered as ASFF: every required attribute, a deterministic `Id`, the limits, types from ATT&CK
/// tags, resources with ARNs, and the account a finding is imported as.
@Suite struct ASFFFindingTests {
    static let own = "111122223333"
    static let now: Int64 = 1_796_126_400_000   // 2026-12-01T12:00:00.000Z
    let context = ASFFFinding.Context(ownAccountID: own, region: "us-east-1", nowMillis: now)

    /// The row the store keeps for a finding of the rule pack.
    private func stored(_ finding: Finding, count: Int = 1, first: Int64? = nil, last: Int64? = nil) -> StoredFinding {
        let resource = finding.resource
        return StoredFinding(id: finding.id, ruleID: finding.ruleID, title: finding.ruleTitle, level: finding.level.rawValue,
                             timeMillis: finding.timeMillis, resourceType: resource.type ?? "", resourceID: resource.id ?? "",
                             json: finding.jsonValue().serialized(), count: count, firstSeenMillis: first, lastSeenMillis: last)
    }

    /// A row with hand-made JSON: `resource` and `tags` as given.
    private func stored(resource: String, tags: [String] = [], logsource: String = "cloudtrail", title: String = "Rule title",
                        level: String = "high", extra: String = "") -> StoredFinding {
        let tagList = tags.map { "\"\($0)\"" }.joined(separator: ",")
        let json = #"{"findingId":"f-1","ruleId":"rule-1","title":"\#(title)","level":"\#(level)","#
            + #""time":"2026-12-01T11:00:00.000Z","logsource":"\#(logsource)","tags":[\#(tagList)],"#
            + #""resource":\#(resource),"matched":{"eventName":"StopLogging"}\#(extra)}"#
        return StoredFinding(id: "f-1", ruleID: "rule-1", title: title, level: level, timeMillis: Self.now - 3_600_000,
                             resourceType: "", resourceID: "", json: json)
    }

    private func render(_ finding: StoredFinding, _ context: ASFFFinding.Context? = nil) throws -> (ASFFFinding, JSONValue) {
        let asff = try ASFFFinding(finding, context: context ?? self.context)
        return (asff, try JSONParser().parse(asff.json))
    }

    private func isTime(_ value: JSONValue?) -> Bool {
        guard let text = value?.stringValue else { return false }
        return text.utf8.count == 24 && text.hasSuffix("Z") && Array(text)[10] == "T" && Array(text)[19] == "."
    }

    @Test func everyRequiredAttributeIsPresentAndTyped() throws {
        let trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events"
        let cloudTrail = Fixtures.cloudTrail(eventSource: "cloudtrail.amazonaws.com", eventName: "StopLogging",
                                             requestParameters: #"{"name":"\#(trail)"}"#)
        let finding = try Fixtures.finding(Fixtures.loggingStopped, cloudTrail: cloudTrail)
        let (asff, json) = try render(stored(finding))

        #expect(json["SchemaVersion"]?.stringValue == "2018-10-08")
        #expect(json["Id"]?.stringValue == "firebreak/" + finding.id)
        #expect(asff.id == json["Id"]?.stringValue)
        #expect(json["ProductArn"]?.stringValue == "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default")
        #expect(json["GeneratorId"]?.stringValue == "firebreak:" + Fixtures.loggingStopped)
        #expect(json["AwsAccountId"]?.stringValue == "123456789012")
        #expect(json["Types"]?.arrayValue?.compactMap(\.stringValue) == ["TTPs/Defense Evasion"])
        #expect(isTime(json["CreatedAt"]) && json["CreatedAt"]?.stringValue == "2026-11-30T10:05:00.000Z")
        #expect(json["UpdatedAt"]?.stringValue == "2026-12-01T12:00:00.000Z")
        #expect(json["FirstObservedAt"] == json["CreatedAt"] && isTime(json["LastObservedAt"]))
        #expect(json["Severity"]?["Label"]?.stringValue == ASFFTaxonomy.severityLabel(level: finding.level.rawValue))
        #expect(json["Title"]?.stringValue == finding.ruleTitle)
        let description = try #require(json["Description"]?.stringValue)
        #expect(description.hasPrefix("\(finding.ruleTitle) on trail \(trail) in account 123456789012 (us-east-1)."))
        #expect(description.contains("Matched once at 2026-11-30T10:05:00.000Z."))
        let resources = try #require(json["Resources"]?.arrayValue)
        #expect(resources.count >= 1)
        #expect(resources[0]["Type"]?.stringValue == "AwsCloudTrailTrail")
        #expect(resources[0]["Id"]?.stringValue == trail)
        #expect(resources[0]["Partition"]?.stringValue == "aws" && resources[0]["Region"]?.stringValue == "us-east-1")
        #expect(json["FindingProviderFields"]?["Types"] == json["Types"])
        #expect(json["FindingProviderFields"]?["Severity"] == json["Severity"])
        #expect(json["ProductFields"]?["firebreak/RuleId"]?.stringValue == Fixtures.loggingStopped)
        #expect(json["ProductFields"]?["firebreak/FindingId"]?.stringValue == finding.id)
        #expect(json["ProductFields"]?["firebreak/Count"]?.stringValue == "1")
        #expect(json["ProductFields"]?["firebreak/LogSource"]?.stringValue == "cloudtrail")
        // The matched event stays in Firebreak.
        #expect(!asff.json.contains("b9c48cb0-1720-400e-8ca8-2984fcb042d9"))
        for key in ["AwsAccountId", "CreatedAt", "Description", "GeneratorId", "Id", "ProductArn", "SchemaVersion", "Title",
                    "UpdatedAt"] {
            #expect(json[key]?.stringValue?.isEmpty == false, "\(key)")
        }
    }

    @Test func aFlowFindingNamesTheInstanceItsInterfaceAndVPC() throws {
        let line = Fixtures.flowLine(destination: "203.0.113.66", port: 443, action: "ACCEPT")
        let finding = try Fixtures.finding(Fixtures.knownBad, flow: line)
        let (_, json) = try render(stored(finding, count: 7, first: 1_700_000_100_000, last: 1_700_000_460_000))
        #expect(json["Types"]?.arrayValue?.compactMap(\.stringValue) == ["TTPs/Command and Control", "TTPs/Initial Access"])
        let resources = try #require(json["Resources"]?.arrayValue)
        #expect(resources.map { $0["Type"]?.stringValue } == ["AwsEc2Instance", "AwsEc2NetworkInterface", "AwsEc2Vpc"])
        #expect(resources.map { $0["Id"]?.stringValue } == [
            "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
            "arn:aws:ec2:us-east-1:123456789012:network-interface/eni-0a1b2c3d4e5f60718",
            "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0f1e2d3c4b5a69788",
        ])
        let description = try #require(json["Description"]?.stringValue)
        #expect(description.contains("on instance i-0123456789abcdef0 in account 123456789012 (us-east-1)."))
        #expect(description.contains("Matched 7 times between 2023-11-14T22:15:00.000Z and 2023-11-14T22:21:00.000Z."))
        #expect(description.contains("203.0.113.66"))
        #expect(json["ProductFields"]?["firebreak/Count"]?.stringValue == "7")
        #expect(json["ProductFields"]?["firebreak/LogSource"]?.stringValue == "vpcflowlogs")
    }

    @Test func theIdDependsOnTheFindingIdAlone() throws {
        let row = stored(resource: #"{"type":"bucket","id":"logs"}"#)
        let (first, firstJSON) = try render(row)
        var later = row
        later.count = 12
        later.lastSeenMillis += 60_000
        let (second, secondJSON) = try render(later, ASFFFinding.Context(ownAccountID: Self.own, region: "us-east-1",
                                                                          nowMillis: Self.now + 1_000))
        #expect(first.id == "firebreak/f-1" && second.id == first.id)
        #expect(ASFFFinding.id(findingID: "f-1") == first.id)
        #expect(firstJSON["CreatedAt"] == secondJSON["CreatedAt"])
        #expect(secondJSON["UpdatedAt"]?.stringValue == "2026-12-01T12:00:01.000Z")
        #expect(secondJSON["ProductFields"]?["firebreak/Count"]?.stringValue == "12")
        // A last match ahead of the clock: UpdatedAt is not before it.
        var ahead = row
        ahead.lastSeenMillis = Self.now + 5_000
        #expect(try render(ahead).1["UpdatedAt"]?.stringValue == "2026-12-01T12:00:05.000Z")
        // The same input renders the same text.
        #expect(try render(row).0 == first)
    }

    @Test func titleAndDescriptionAreCutToSecurityHubsLimits() throws {
        let longTitle = String(repeating: "Rule 🚨 ", count: 100)
        let longValue = String(repeating: "v", count: 5000)
        let row = stored(resource: #"{"type":"user","id":"\#(String(repeating: "u", count: 2000))"}"#, title: longTitle,
                         extra: #","correlation":{"type":"event_count","groupBy":{"srcaddr":"\#(longValue)"},"count":40}"#)
        let (asff, json) = try render(row)
        let title = try #require(json["Title"]?.stringValue)
        let description = try #require(json["Description"]?.stringValue)
        #expect(title.utf16.count <= 256 && title.hasSuffix("…"))
        #expect(title.hasPrefix("Rule 🚨 Rule 🚨"))
        #expect(!title.unicodeScalars.contains { $0.properties.generalCategory == .surrogate })
        #expect(description.utf16.count <= 1024 && description.hasSuffix("…"))
        #expect(description.hasPrefix(String(title.dropLast())))
        #expect(try #require(json["Resources"]?.arrayValue?.first?["Id"]?.stringValue).utf16.count < 300)
        #expect(asff.json.utf8.count < 8 * 1024)
        // A short title and description are kept whole.
        let (_, plain) = try render(stored(resource: #"{"type":"bucket","id":"logs"}"#, title: "Bucket made public"))
        #expect(plain["Title"]?.stringValue == "Bucket made public")
        #expect(plain["Description"]?.stringValue == "Bucket made public on bucket logs in account 111122223333 (us-east-1). "
            + "Matched once at 2026-12-01T11:00:00.000Z. Matched fields: eventName=StopLogging.")
    }

    @Test(arguments: [
        (["attack.defense-evasion", "attack.t1562.008"], "cloudtrail", ["TTPs/Defense Evasion"]),
        (["attack.defense-impairment", "attack.stealth"], "cloudtrail", ["TTPs/Defense Evasion"]),
        (["attack.initial-access", "attack.execution", "attack.persistence", "attack.privilege_escalation"], "cloudtrail",
         ["TTPs/Initial Access", "TTPs/Execution", "TTPs/Persistence", "TTPs/Privilege Escalation"]),
        (["attack.credential-access", "attack.discovery", "attack.reconnaissance", "attack.lateral-movement"], "vpcflowlogs",
         ["TTPs/Credential Access", "TTPs/Discovery", "TTPs/Lateral Movement"]),
        (["attack.collection", "attack.command-and-control", "attack.TA0011"], "vpcflowlogs",
         ["TTPs/Collection", "TTPs/Command and Control"]),
        (["attack.exfiltration", "attack.t1048"], "vpcflowlogs", ["Effects/Data Exfiltration"]),
        (["attack.impact", "attack.t1496"], "vpcflowlogs", ["Effects/Resource Consumption"]),
        (["attack.impact", "attack.t1485", "attack.t1486"], "cloudtrail", ["Effects/Data Destruction"]),
        (["attack.impact", "attack.t1498.001"], "vpcflowlogs", ["Effects/Denial of Service"]),
        (["attack.impact"], "cloudtrail", ["Effects"]),
        (["attack.resource-development", "cve.2021-44228", "firebreak_custom"], "vpcflowlogs", ["Unusual Behaviors/Network Flow"]),
        ([], "cloudtrail", ["Unusual Behaviors/User"]),
        ([], "dns", ["Unusual Behaviors"]),
    ])
    func typesComeFromTheATTACKTags(_ tags: [String], _ logSource: String, _ expected: [String]) throws {
        #expect(ASFFTaxonomy.types(tags: tags, logSource: logSource) == expected)
        let (_, json) = try render(stored(resource: #"{"type":"account","id":"111122223333"}"#, tags: tags, logsource: logSource))
        #expect(json["Types"]?.arrayValue?.compactMap(\.stringValue) == expected)
    }

    @Test(arguments: [
        (#"{"type":"instance","id":"i-1","accountId":"444455556666","region":"eu-west-1"}"#,
         "AwsEc2Instance", "arn:aws:ec2:eu-west-1:444455556666:instance/i-1", "eu-west-1"),
        (#"{"type":"network-interface","id":"eni-1"}"#,
         "AwsEc2NetworkInterface", "arn:aws:ec2:us-east-1:111122223333:network-interface/eni-1", "us-east-1"),
        (#"{"type":"security-group","id":"sg-1","securityGroupId":"sg-1","vpcId":"vpc-1"}"#,
         "AwsEc2SecurityGroup", "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1", "us-east-1"),
        (#"{"type":"network-acl","id":"acl-1"}"#, "AwsEc2NetworkAcl", "arn:aws:ec2:us-east-1:111122223333:network-acl/acl-1", "us-east-1"),
        (#"{"type":"trail","id":"org-trail","region":"us-west-2"}"#,
         "AwsCloudTrailTrail", "arn:aws:cloudtrail:us-west-2:111122223333:trail/org-trail", "us-west-2"),
        (#"{"type":"bucket","id":"my-logs"}"#, "AwsS3Bucket", "arn:aws:s3:::my-logs", "us-east-1"),
        (#"{"type":"user","id":"alice"}"#, "AwsIamUser", "arn:aws:iam::111122223333:user/alice", "us-east-1"),
        (#"{"type":"access-key","id":"AKIAEXAMPLE"}"#, "AwsIamAccessKey", "AKIAEXAMPLE", "us-east-1"),
        (#"{"type":"guardduty-detector","id":"12abc"}"#,
         "AwsGuardDutyDetector", "arn:aws:guardduty:us-east-1:111122223333:detector/12abc", "us-east-1"),
        (#"{"type":"snapshot","id":"snap-1"}"#, "Other", "arn:aws:ec2:us-east-1::snapshot/snap-1", "us-east-1"),
        (#"{"type":"address","id":"203.0.113.9"}"#, "Other", "203.0.113.9", "us-east-1"),
        (#"{"type":"account","id":"111122223333"}"#, "AwsAccount", "AWS::::Account:111122223333", "us-east-1"),
        (#"{}"#, "AwsAccount", "AWS::::Account:111122223333", "us-east-1"),
        (#"{"type":"instance","id":"i-cn","region":"cn-north-1","accountId":"444455556666"}"#,
         "AwsEc2Instance", "arn:aws-cn:ec2:cn-north-1:444455556666:instance/i-cn", "cn-north-1"),
    ])
    func resourcesHaveASFFTypesAndARNs(_ resource: String, _ type: String, _ id: String, _ region: String) throws {
        let (_, json) = try render(stored(resource: resource))
        let first = try #require(json["Resources"]?.arrayValue?.first)
        #expect(first["Type"]?.stringValue == type)
        #expect(first["Id"]?.stringValue == id)
        #expect(first["Region"]?.stringValue == region)
        #expect(first["Partition"]?.stringValue == (region.hasPrefix("cn-") ? "aws-cn" : "aws"))
    }

    @Test func theStoredColumnsNameTheResourceWhenTheJSONDoesNot() throws {
        var row = stored(resource: "{}")
        row.resourceType = "security-group"
        row.resourceID = "sg-0abc"
        let (_, json) = try render(row)
        #expect(json["Resources"]?.arrayValue?.first?["Id"]?.stringValue
            == "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0abc")
    }

    @Test func aFindingOfAnotherAccountIsImportedAsThatAccountOrTheCentralOne() throws {
        let member = "444455556666"
        let row = stored(resource: #"{"type":"instance","id":"i-1","accountId":"\#(member)"}"#)
        // By default: as the finding's account, the only caller BatchImportFindings accepts for it.
        let (asMember, memberJSON) = try render(row)
        #expect(asMember.awsAccountID == member)
        #expect(memberJSON["AwsAccountId"]?.stringValue == member)
        #expect(asMember.productArn == "arn:aws:securityhub:us-east-1:\(member):product/\(member)/default")
        #expect(memberJSON["ProductArn"]?.stringValue == asMember.productArn)

        // Into one central account: it is the AwsAccountId and the product; the resource keeps its own account.
        let central = ASFFFinding.Context(ownAccountID: Self.own, region: "eu-central-1", importAccount: .account(Self.own),
                                          nowMillis: Self.now)
        let (asOwn, ownJSON) = try render(row, central)
        #expect(asOwn.awsAccountID == Self.own && ownJSON["AwsAccountId"]?.stringValue == Self.own)
        #expect(asOwn.productArn == "arn:aws:securityhub:eu-central-1:\(Self.own):product/\(Self.own)/default")
        #expect(ownJSON["Resources"]?.arrayValue?.first?["Id"]?.stringValue == "arn:aws:ec2:eu-central-1:\(member):instance/i-1")
        #expect(ownJSON["ProductFields"]?["firebreak/AccountId"]?.stringValue == member)
        #expect(ownJSON["Description"]?.stringValue?.contains("in account \(member) (eu-central-1)") == true)

        // No account in the event: the service's own; a malformed one is not trusted.
        #expect(try render(stored(resource: #"{"type":"instance","id":"i-1"}"#)).0.awsAccountID == Self.own)
        #expect(try render(stored(resource: #"{"type":"instance","id":"i-1","accountId":"12345"}"#)).0.awsAccountID == Self.own)
    }

    @Test(arguments: [("informational", "INFORMATIONAL"), ("low", "LOW"), ("medium", "MEDIUM"), ("high", "HIGH"),
                      ("critical", "CRITICAL"), ("unknown", "INFORMATIONAL")])
    func severityLabelsFollowTheRuleLevel(_ level: String, _ label: String) throws {
        let (_, json) = try render(stored(resource: "{}", level: level))
        #expect(json["Severity"]?["Label"]?.stringValue == label)
        #expect(json["Severity"]?["Original"]?.stringValue == level)
    }

    @Test func unreadableRowsAndMalformedContextsAreErrors() throws {
        var broken = stored(resource: "{}")
        broken.json = "{not json"
        let unreadable = #expect(throws: ASFFFindingError.self) { try ASFFFinding(broken, context: context) }
        guard case .unreadableFinding("f-1", let reason)? = unreadable else {
            Issue.record("expected unreadableFinding, got \(String(describing: unreadable))")
            return
        }
        #expect(reason.contains("invalid JSON"))
        broken.json = "[1]"
        #expect(throws: ASFFFindingError.unreadableFinding(id: "f-1", reason: "not a JSON object")) {
            try ASFFFinding(broken, context: context)
        }
        let row = stored(resource: "{}")
        #expect(throws: ASFFFindingError.invalidAccount("1111")) {
            try ASFFFinding(row, context: ASFFFinding.Context(ownAccountID: "1111", region: "us-east-1", nowMillis: Self.now))
        }
        #expect(throws: ASFFFindingError.invalidAccount("central")) {
            try ASFFFinding(row, context: ASFFFinding.Context(ownAccountID: Self.own, region: "us-east-1",
                                                              importAccount: .account("central"), nowMillis: Self.now))
        }
        #expect(throws: ASFFFindingError.invalidRegion("US East")) {
            try ASFFFinding(row, context: ASFFFinding.Context(ownAccountID: Self.own, region: "US East", nowMillis: Self.now))
        }
    }

    @Test func aHugeStoredFindingStaysFarBelow240KB() throws {
        let tags = (0..<500).map { "attack.t\(1000 + $0)" } + ["attack.impact", "attack.exfiltration"]
        let matched = (0..<200).map { #""field\#($0)":"\#(String(repeating: "x", count: 1000))""# }.joined(separator: ",")
        let event = #","event":{"blob":"\#(String(repeating: "e", count: 300_000))"}"#
        var row = stored(resource: #"{"type":"bucket","id":"logs","instanceId":"i-1","interfaceId":"eni-1","#
                         + #""securityGroupId":"sg-1","vpcId":"vpc-1"}"#, tags: tags, extra: event)
        row.json = row.json.replacingOccurrences(of: #""matched":{"eventName":"StopLogging"}"#, with: #""matched":{\#(matched)}"#)
        #expect(row.json.utf8.count > ASFFFinding.maxBytes)
        let (asff, json) = try render(row)
        #expect(asff.json.utf8.count < 16 * 1024)
        #expect(json["Types"]?.arrayValue?.compactMap(\.stringValue) == ["Effects/Data Destruction", "Effects/Resource Consumption",
                                                                         "Effects/Denial of Service", "Effects/Data Exfiltration"])
        #expect(json["Resources"]?.arrayValue?.count == 5)
    }
}
