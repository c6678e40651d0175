import FirebreakDetection
import FirebreakLogs
import Foundation
import Testing
@testable import FirebreakResponse

/// Findings of the built-in rules on real flow lines and CloudTrail records, rendered as OCSF Detection Findings and
/// validated against the OCSF 1.6.0 and 1.9.0-dev schema copies.
@Suite struct OCSFFindingTests {
    let renderer = OCSFFinding()

    static let egressLine = Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT")

    /// The finding alone in its aggregate, rendered.
    func rendered(_ finding: Finding) throws -> JSONValue {
        var aggregates = FindingAggregate.merge([finding])
        try #require(aggregates.count == 1)
        return renderer.render(&aggregates[0])
    }

    @Test func aFlowLogFindingIsAValidDetectionFindingCreate() throws {
        let finding = try Fixtures.finding(Fixtures.egressRejected, flow: Self.egressLine)
        let ocsf = try rendered(finding)
        #expect(OCSFTestSchemas.problems(ocsf) == [])
        #expect(ocsf["class_uid"] == .int(2004) && ocsf["category_uid"] == .int(2))
        #expect(ocsf["activity_id"] == .int(1) && ocsf["type_uid"] == .int(200401))
        #expect(ocsf["severity_id"] == .int(4) && ocsf["severity"] == .string("High"))
        #expect(ocsf["time"] == .int(finding.timeMillis))
        #expect(ocsf["count"] == nil && ocsf["start_time"] == nil, "a finding of one match is not an aggregate")
        #expect(ocsf["metadata"]?["version"] == .string("1.6.0"))
        #expect(ocsf["metadata"]?["product"]?["name"] == .string("Firebreak"))
        #expect(ocsf["metadata"]?["product"]?["vendor_name"] == .string("Firebreak"))
        let info = try #require(ocsf["finding_info"])
        #expect(info["uid"] == .string(finding.id))
        #expect(info["title"] == .string(finding.ruleTitle))
        #expect(info["first_seen_time"] == .int(finding.timeMillis) && info["last_seen_time"] == .int(finding.timeMillis))
        #expect(info["analytic"]?["type_id"] == .int(1) && info["analytic"]?["type"] == .string("Rule"))
        #expect(info["analytic"]?["uid"] == .string(Fixtures.egressRejected))
        #expect(info["analytic"]?["name"] == .string(finding.ruleTitle))
        #expect(info["types"] == .array(finding.tags.map { .string($0) }))
        #expect(info["data_sources"] == .array([.string("vpcflowlogs")]))
        #expect(info["desc"]?.stringValue?.hasPrefix("Rule \(Fixtures.egressRejected) (\(finding.ruleTitle)) matched 1 event on instance i-0123456789abcdef0 in account 123456789012") == true,
                "\(info["desc"] ?? .null)")
        #expect(ocsf["cloud"]?["provider"] == .string("AWS"))
        #expect(ocsf["cloud"]?["account"]?["uid"] == .string("123456789012"))
        let resource = try #require(ocsf["resources"]?.arrayValue?.first)
        #expect(resource["uid"] == .string("i-0123456789abcdef0") && resource["type"] == .string("instance"))
        #expect(resource["data"]?["interfaceId"] == .string("eni-0a1b2c3d4e5f60718"))
        #expect(resource["data"]?["vpcId"] == .string("vpc-0f1e2d3c4b5a69788"))
        let evidence = try #require(ocsf["evidences"]?.arrayValue?.first)
        #expect(evidence["data"] == finding.jsonValue()["matched"])
        #expect(evidence["data"]?["action"] == .string("REJECT"))
        #expect(ocsf["status_id"] == .int(1) && ocsf["is_alert"] == .bool(true))
        #expect(ocsf["unmapped"]?["event"] == finding.jsonValue()["event"], "the matched event has no OCSF attribute")
    }

    @Test func aCloudTrailFindingCarriesRegionPartitionAndTheSecurityGroup() throws {
        let json = Fixtures.cloudTrail(eventSource: "ec2.amazonaws.com", eventName: "AuthorizeSecurityGroupIngress",
                                       requestParameters: ResponsePlannerTests.worldOpenRequest)
        let finding = try Fixtures.finding(Fixtures.worldOpen, cloudTrail: json)
        let ocsf = try rendered(finding)
        #expect(OCSFTestSchemas.problems(ocsf) == [])
        #expect(ocsf["cloud"]?["region"] == .string("us-east-1") && ocsf["cloud"]?["cloud_partition"] == .string("aws"))
        let resource = try #require(ocsf["resources"]?.arrayValue?.first)
        #expect(resource["uid"] == .string("sg-0a1b2c3d4e5f60718") && resource["type"] == .string("security-group"))
        #expect(resource["region"] == .string("us-east-1") && resource["role_id"] == .int(1))
        #expect(ocsf["finding_info"]?["data_sources"] == .array([.string("cloudtrail")]))
        #expect(ocsf["evidences"]?.arrayValue?.first?["data"] == finding.jsonValue()["matched"])
        #expect(ocsf["time"] == .int(finding.timeMillis))
    }

    @Test func cloudTrailLoggingStoppedOnATrail() throws {
        let json = Fixtures.cloudTrail(eventSource: "cloudtrail.amazonaws.com", eventName: "StopLogging",
                                       requestParameters: #"{"name":"org-trail"}"#)
        let ocsf = try rendered(try Fixtures.finding(Fixtures.loggingStopped, cloudTrail: json))
        #expect(OCSFTestSchemas.problems(ocsf) == [])
        #expect(ocsf["resources"]?.arrayValue?.first?["uid"] == .string("org-trail"))
        #expect(ocsf["resources"]?.arrayValue?.first?["type"] == .string("trail"))
    }

    /// Three matches on one instance in one window: one finding, an Update with the aggregate's count and window.
    @Test func anAggregatedFindingIsAnUpdateWithCountAndWindow() throws {
        let lines = [("1700000100", "1700000160"), ("1700000200", "1700000260"), ("1700000300", "1700000360")].map {
            Self.egressLine.replacingOccurrences(of: "1700000100 1700000160", with: "\($0.0) \($0.1)")
        }
        let findings = try lines.map { try Fixtures.finding(Fixtures.egressRejected, flow: $0) }
        var aggregates = FindingAggregate.merge(findings)
        try #require(aggregates.count == 1, "the three matches share a finding id")
        let (first, last) = (aggregates[0].firstMillis, aggregates[0].lastMillis)
        #expect(first < last)
        let ocsf = renderer.render(&aggregates[0])
        #expect(OCSFTestSchemas.problems(ocsf) == [])
        #expect(ocsf["activity_id"] == .int(2) && ocsf["activity_name"] == .string("Update"))
        #expect(ocsf["type_uid"] == .int(200402) && ocsf["type_name"] == .string("Detection Finding: Update"))
        #expect(ocsf["count"] == .int(3))
        #expect(ocsf["time"] == .int(last) && ocsf["start_time"] == .int(first) && ocsf["end_time"] == .int(last))
        #expect(ocsf["duration"] == .int(last - first))
        #expect(ocsf["finding_info"]?["first_seen_time"] == .int(first))
        #expect(ocsf["finding_info"]?["last_seen_time"] == .int(last))
        #expect(ocsf["finding_info"]?["desc"]?.stringValue?.contains("matched 3 events") == true)
    }

    /// The stored row of a finding renders as its aggregate did: the same OCSF object from the store and from replay.
    @Test func aStoredFindingRendersAsItsAggregate() throws {
        let findings = try [Self.egressLine, Self.egressLine].map { try Fixtures.finding(Fixtures.egressRejected, flow: $0) }
        var aggregates = FindingAggregate.merge(findings)
        try #require(aggregates.count == 1)
        let finding = aggregates[0].finding
        let stored = StoredFinding(id: finding.id, ruleID: finding.ruleID, title: finding.ruleTitle, level: finding.level.rawValue,
                                   timeMillis: finding.timeMillis, resourceType: "instance", resourceID: "i-0123456789abcdef0",
                                   json: aggregates[0].text().finding, count: aggregates[0].count,
                                   firstSeenMillis: aggregates[0].firstMillis, lastSeenMillis: aggregates[0].lastMillis)
        let fromStore = renderer.render(stored)
        #expect(fromStore == renderer.render(&aggregates[0]))
        #expect(fromStore["count"] == .int(2))
        #expect(OCSFTestSchemas.problems(fromStore) == [])
    }

    /// A row whose JSON lacks the finding's members (or is not JSON) is rendered from its columns, still valid.
    @Test func aStoredRowWithoutFindingJSONIsRenderedFromItsColumns() throws {
        for json in [#"{"id":"fb-1"}"#, "not json"] {
            let stored = StoredFinding(id: "fb-1", ruleID: "rule-1", title: "A title", level: "critical", timeMillis: 1_000,
                                       resourceType: "instance", resourceID: "i-0abc", json: json)
            let ocsf = renderer.render(stored)
            #expect(OCSFTestSchemas.problems(ocsf) == [], "\(json)")
            #expect(ocsf["finding_info"]?["uid"] == .string("fb-1"))
            #expect(ocsf["finding_info"]?["analytic"]?["uid"] == .string("rule-1"))
            #expect(ocsf["severity_id"] == .int(5) && ocsf["severity"] == .string("Critical"))
            #expect(ocsf["resources"]?.arrayValue?.first?["uid"] == .string("i-0abc"))
            #expect(ocsf["time"] == .int(1_000))
        }
    }

    @Test func levelsMapToSeverities() throws {
        let expected: [(String, Int64, String)] = [("informational", 1, "Informational"), ("low", 2, "Low"),
                                                   ("medium", 3, "Medium"), ("high", 4, "High"), ("critical", 5, "Critical"),
                                                   ("urgent", 99, "urgent"), ("", 0, "Unknown")]
        for (level, id, caption) in expected {
            let finding = JSONValue.object(JSONObject([("findingId", .string("fb-\(level)")), ("ruleId", .string("r")),
                                                       ("title", .string("T")), ("level", .string(level))]))
            let ocsf = try #require(renderer.render(finding: finding, count: 1, firstSeenMillis: 5, lastSeenMillis: 5))
            #expect(ocsf["severity_id"] == .int(id) && ocsf["severity"] == .string(caption), "\(level)")
            #expect(OCSFTestSchemas.problems(ocsf) == [], "\(level)")
        }
    }

    /// What has no OCSF attribute (a correlation) is kept under `unmapped`; partitions follow the region.
    @Test func aCorrelationIsUnmappedAndPartitionsFollowTheRegion() throws {
        let correlation = JSONValue.object(JSONObject([("type", .string("value_count")), ("count", .int(25)),
                                                       ("groupBy", .object(JSONObject([("srcaddr", .string("198.51.100.77"))])))]))
        let resource = JSONValue.object(JSONObject([("type", .string("instance")), ("id", .string("i-1")),
                                                    ("accountId", .string("210987654321")), ("region", .string("cn-north-1"))]))
        let finding = JSONValue.object(JSONObject([("findingId", .string("fb-scan")), ("ruleId", .string("scan")),
                                                   ("title", .string("Port scan")), ("level", .string("medium")),
                                                   ("logsource", .string("vpcflowlogs")), ("resource", resource),
                                                   ("matched", .object(JSONObject([("srcaddr", .string("198.51.100.77"))]))),
                                                   ("correlation", correlation)]))
        let ocsf = try #require(renderer.render(finding: finding, count: 1, firstSeenMillis: 10, lastSeenMillis: 10))
        #expect(OCSFTestSchemas.problems(ocsf) == [])
        #expect(ocsf["unmapped"] == .object(JSONObject([("correlation", correlation)])))
        #expect(ocsf["cloud"]?["cloud_partition"] == .string("aws-cn"))
        #expect(ocsf["finding_info"]?["types"] == .array([.string("vpcflowlogs")]), "no tags: the log source")
        #expect(OCSFFinding.partition(region: "us-gov-west-1") == "aws-us-gov")
        #expect(OCSFFinding.partition(region: "eu-west-3") == "aws")
    }

    @Test func notAFindingIsNotRendered() {
        #expect(renderer.render(finding: .array([]), count: 1, firstSeenMillis: 0, lastSeenMillis: 0) == nil)
        #expect(renderer.render(finding: .object(JSONObject([("ruleId", .string("r"))])), count: 1, firstSeenMillis: 0,
                                lastSeenMillis: 0) == nil)
    }

    @Test func productVersionIsWrittenWhenGiven() throws {
        let finding = try Fixtures.finding(Fixtures.egressRejected, flow: Self.egressLine)
        var aggregates = FindingAggregate.merge([finding])
        let ocsf = OCSFFinding(productVersion: "1.2.3").render(&aggregates[0])
        #expect(ocsf["metadata"]?["product"]?["version"] == .string("1.2.3"))
        #expect(OCSFTestSchemas.problems(ocsf) == [])
    }
}
