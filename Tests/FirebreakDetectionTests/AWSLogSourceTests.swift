import FirebreakLogs
import Foundation
import Testing
@testable import FirebreakDetection

/// Route 53 Resolver query logs and GuardDuty findings as the engine sees them: log source, event time, fields, the
/// resource a response acts on, and which rules read them.
@Suite struct AWSLogSourceTests {
    static func decoded(_ text: String) throws -> DecodedEvent {
        let result = try RecordDecoder().decode(record: Array(text.utf8), index: 0)
        guard let event = result.events.first else { throw RuleError(.invalidRule, source: "test", "no event in \(text)") }
        return event
    }

    static func dns(_ name: String = "c2.evil.example.", srcids: String = #"{"instance":"i-0123456789abcdef0"}"#) -> String {
        #"{"version":"1.100000","account_id":"123456789012","region":"us-east-1","vpc_id":"vpc-0f1e2d3c4b5a69788","query_timestamp":"2026-12-01T10:00:00Z","query_name":"\#(name)","query_type":"A","query_class":"IN","rcode":"NXDOMAIN","answers":[],"srcaddr":"10.0.1.5","srcport":"56067","transport":"UDP","srcids":\#(srcids)}"#
    }

    static func guardDuty(type: String, severity: Double, resource: String) -> String {
        #"{"version":"0","id":"c8a6e2f1-0a1b-4c2d-9e3f-405162738495","detail-type":"GuardDuty Finding","source":"aws.guardduty","account":"123456789012","time":"2026-12-01T10:00:10Z","region":"us-east-1","resources":[],"detail":{"schemaVersion":"2.0","accountId":"123456789012","region":"us-east-1","partition":"aws","id":"5cbe9a1b","arn":"arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d/finding/5cbe9a1b","type":"\#(type)","resource":\#(resource),"service":{"serviceName":"guardduty","archived":false,"count":1},"severity":\#(severity),"createdAt":"2026-12-01T10:00:05.000Z","updatedAt":"2026-12-01T10:00:07.000Z"}}"#
    }

    static let instance = #"{"resourceType":"Instance","instanceDetails":{"instanceId":"i-0fedcba9876543210","networkInterfaces":[{"vpcId":"vpc-0f1e2d3c4b5a69788"}]}}"#
    static let accessKey = #"{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"deploy"}}"#
    static let bucket = #"{"resourceType":"S3Bucket","accessKeyDetails":{"accessKeyId":"ASIAIOSFODNN7EXAMPLE"},"s3BucketDetails":[{"name":"example-bucket"}]}"#

    @Test func route53EventAndResource() throws {
        let event = DetectionEvent(try Self.decoded(Self.dns()), receivedMillis: 5)
        #expect(event.logSource == LogSource(product: "aws", service: "route53"))
        #expect(event.timeMillis == ISO8601Millis.parse("2026-12-01T10:00:00Z"))
        #expect(event.values(at: FieldPath("srcids.instance")) == [.string("i-0123456789abcdef0")])
        #expect(event.values(at: FieldPath("query_domain")) == [.string("evil.example")])
        let resource = FindingResource(event: event)
        #expect(resource.type == "instance" && resource.id == "i-0123456789abcdef0" && resource.instanceID == "i-0123456789abcdef0")
        #expect(resource.vpcID == "vpc-0f1e2d3c4b5a69788" && resource.accountID == "123456789012" && resource.region == "us-east-1")
        // A query from on premises names the inbound endpoint it came through.
        let onPremises = FindingResource(event: DetectionEvent(try Self.decoded(Self.dns(srcids: #"{"resolver_endpoint":"rslvr-in-0123456789abcdef0"}"#))))
        #expect(onPremises.type == "resolver-endpoint" && onPremises.id == "rslvr-in-0123456789abcdef0" && onPremises.instanceID == nil)
    }

    @Test func guardDutyResources() throws {
        let onInstance = DetectionEvent(try Self.decoded(Self.guardDuty(type: "UnauthorizedAccess:EC2/TorClient", severity: 8, resource: Self.instance)))
        #expect(onInstance.logSource == LogSource(product: "aws", service: "guardduty"))
        #expect(onInstance.timeMillis == ISO8601Millis.parse("2026-12-01T10:00:07.000Z"))
        #expect(onInstance.values(at: FieldPath("type")) == [.string("UnauthorizedAccess:EC2/TorClient")])
        #expect(onInstance.eventKey == "guardduty:5cbe9a1b@2026-12-01T10:00:07.000Z")
        let instance = FindingResource(event: onInstance)
        #expect(instance.type == "instance" && instance.id == "i-0fedcba9876543210" && instance.instanceID == "i-0fedcba9876543210")
        #expect(instance.vpcID == "vpc-0f1e2d3c4b5a69788" && instance.accountID == "123456789012")
        let key = FindingResource(event: DetectionEvent(try Self.decoded(Self.guardDuty(type: "UnauthorizedAccess:IAMUser/TorIPCaller", severity: 5, resource: Self.accessKey))))
        #expect(key.type == "access-key" && key.id == "AKIAIOSFODNN7EXAMPLE" && key.instanceID == nil)
        let bucket = FindingResource(event: DetectionEvent(try Self.decoded(Self.guardDuty(type: "Exfiltration:S3/AnomalousBehavior", severity: 8, resource: Self.bucket))))
        #expect(bucket.type == "access-key" && bucket.id == "ASIAIOSFODNN7EXAMPLE", "the caller's key comes before the bucket")
        let bucketOnly = FindingResource(event: DetectionEvent(try Self.decoded(Self.guardDuty(
            type: "Policy:S3/BucketBlockPublicAccessDisabled", severity: 2, resource: #"{"resourceType":"S3Bucket","s3BucketDetails":[{"name":"example-bucket"}]}"#))))
        #expect(bucketOnly.type == "bucket" && bucketOnly.id == "example-bucket")
        let none = FindingResource(event: DetectionEvent(try Self.decoded(Self.guardDuty(type: "Recon:IAMUser/X", severity: 2, resource: "{}"))))
        #expect(none.type == "account" && none.id == "123456789012")
    }

    @Test func rulesReadOnlyTheirOwnLogSource() throws {
        let yaml = """
            title: any nxdomain
            id: dns-rule
            logsource: {product: aws, service: route53}
            detection: {selection: {rcode: NXDOMAIN}, condition: selection}
            level: high
            ---
            title: any high guardduty finding
            id: gd-rule
            logsource: {product: aws, service: guardduty}
            detection: {selection: {severity|gte: 7}, condition: selection}
            level: high
            ---
            title: severity anywhere
            id: any-rule
            logsource: {product: aws}
            detection: {selection: {severity|gte: 7}, condition: selection}
            level: low
            """
        let rules = try SigmaTestSupport.rules(yaml: yaml)
        var loaded = LoadedRules()
        loaded.rules = rules
        let set = RuleSet(loaded: loaded, placeholders: StaticPlaceholders())
        let dnsFindings = set.evaluate([DetectionEvent(try Self.decoded(Self.dns()))])
        #expect(dnsFindings.map(\.ruleID) == ["dns-rule"])
        #expect(dnsFindings.first?.resource.instanceID == "i-0123456789abcdef0")
        let gdFindings = set.evaluate([DetectionEvent(try Self.decoded(Self.guardDuty(type: "T", severity: 8, resource: Self.instance)))])
        #expect(Set(gdFindings.map(\.ruleID)) == ["gd-rule", "any-rule"])
        #expect(gdFindings.allSatisfy { $0.resource.id == "i-0fedcba9876543210" })
        // A GuardDuty finding with `rcode: NXDOMAIN` somewhere would still not feed the Route 53 rule.
        let odd = Self.guardDuty(type: "T", severity: 2, resource: #"{"rcode":"NXDOMAIN"}"#).replacingOccurrences(of: #""severity":2.0"#, with: #""severity":2.0,"rcode":"NXDOMAIN""#)
        #expect(set.evaluate([DetectionEvent(try Self.decoded(odd))]).isEmpty)
    }
}
