import FirebreakLogs
import Foundation
import Testing
import Yams
@testable import FirebreakDetection

/// SigmaHQ's AWS CloudTrail rules, unmodified: they load, compile, and match what they describe.
@Suite struct SigmaHQRuleTests {
    static func ruleFiles(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func load(_ name: String) throws -> SigmaRule {
        let url = SigmaTestSupport.sigmaHQCloudTrail.appendingPathComponent(name)
        return try SigmaTestSupport.rule(try String(contentsOf: url, encoding: .utf8), source: url.lastPathComponent)
    }

    static func compiled(_ name: String) throws -> CompiledRule {
        try RuleCompiler().compile(try load(name))
    }

    @Test func everyCloudTrailRuleLoadsAndCompiles() throws {
        let files = try Self.ruleFiles(in: SigmaTestSupport.sigmaHQCloudTrail)
        #expect(files.count >= 57)
        var compiled = 0
        for file in files {
            let yaml = try String(contentsOf: file, encoding: .utf8)
            for node in try Yams.compose_all(yaml: yaml) {
                let rule = try SigmaRule.parse(node, source: file.lastPathComponent)
                #expect(rule.logsource.covers(.cloudTrail), "\(file.lastPathComponent)")
                #expect(rule.level != nil, "\(file.lastPathComponent)")
                _ = try RuleCompiler().compile(rule)
                compiled += 1
            }
        }
        #expect(compiled == files.count)
    }

    @Test func placeholderRuleNeedsItsPlaceholders() throws {
        let files = try Self.ruleFiles(in: SigmaTestSupport.sigmaHQPlaceholder)
        #expect(files.count == 1)
        let rule = try SigmaTestSupport.rule(try String(contentsOf: files[0], encoding: .utf8), source: files[0].lastPathComponent)

        #expect {
            _ = try RuleCompiler().compile(rule)
        } throws: { error in
            guard let error = error as? RuleError else { return false }
            return error.kind == .unknownPlaceholder && error.message.contains("%Legitimate_Countries%")
                && error.source.contains(files[0].lastPathComponent)
        }

        let bound = StaticPlaceholders([
            "Legitimate_Countries": .values(["DE", "FR"]),
            "Legitimate_IP_Ranges": .addresses(try IPSet(parsing: ["198.51.100.0/24"])),
        ])
        let compiled = try RuleCompiler(placeholders: bound).compile(rule)
        func login(country: String, ip: String) throws -> DetectionEvent {
            try SigmaTestSupport.cloudTrail("""
                {"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","src_country":"\(country)",
                 "src_ip":"\(ip)","responseElements":{"ConsoleLogin":"Success"}}
                """)
        }
        #expect(compiled.matches(try login(country: "BR", ip: "203.0.113.5")))
        #expect(!compiled.matches(try login(country: "de", ip: "203.0.113.5")))
        #expect(!compiled.matches(try login(country: "BR", ip: "198.51.100.7")))
    }
}

/// SigmaHQ rules against CloudTrail records in their real shapes, each with a near miss.
@Suite struct SigmaHQMatchTests {
    static func event(_ eventSource: String, _ eventName: String, identity: String = #"{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","userName":"alice"}"#,
                      errorCode: String? = nil, extra: String = "") throws -> DetectionEvent {
        try SigmaTestSupport.cloudTrail("""
            {"eventVersion":"1.09","userIdentity":\(identity),"eventTime":"2026-01-01T10:05:00Z",
             "eventSource":"\(eventSource)","eventName":"\(eventName)","awsRegion":"eu-west-1",
             "sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2.15.0",
             \(errorCode.map { "\"errorCode\":\"\($0)\",\"errorMessage\":\"denied\"," } ?? "")
             \(extra.isEmpty ? "" : extra + ",")
             "requestID":"r-1","eventID":"e-1","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,
             "recipientAccountId":"123456789012","eventCategory":"Management"}
            """)
    }

    @Test func cloudTrailDisableLogging() throws {
        let rule = try SigmaHQRuleTests.compiled("aws_cloudtrail_disable_logging.yml")
        let params = #""requestParameters":{"name":"arn:aws:cloudtrail:eu-west-1:123456789012:trail/main"},"responseElements":null"#
        #expect(rule.matches(try Self.event("cloudtrail.amazonaws.com", "StopLogging", extra: params)))
        #expect(rule.matches(try Self.event("cloudtrail.amazonaws.com", "DeleteTrail", extra: params)))
        #expect(!rule.matches(try Self.event("cloudtrail.amazonaws.com", "StartLogging", extra: params)))
        #expect(!rule.matches(try Self.event("cloudtrail.amazonaws.com", "DescribeTrails", extra: params)))
        let fields = rule.matchedFields(try Self.event("cloudtrail.amazonaws.com", "StopLogging", extra: params))
        #expect(fields["eventName"] == [.string("StopLogging")])
        #expect(fields["eventSource"] == [.string("cloudtrail.amazonaws.com")])
    }

    @Test func consoleLoginWithoutMFA() throws {
        let rule = try SigmaHQRuleTests.compiled("aws_cloudtrail_console_login_success_without_mfa.yml")
        func login(mfa: String, result: String) throws -> DetectionEvent {
            try Self.event("signin.amazonaws.com", "ConsoleLogin", extra: """
                "requestParameters":null,"responseElements":{"ConsoleLogin":"\(result)"},
                "additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"\(mfa)"}
                """)
        }
        #expect(rule.matches(try login(mfa: "No", result: "Success")))
        #expect(!rule.matches(try login(mfa: "Yes", result: "Success")))
        #expect(!rule.matches(try login(mfa: "No", result: "Failure")))
    }

    @Test func rootAccountUsage() throws {
        let rule = try SigmaHQRuleTests.compiled("aws_root_account_usage.yml")
        let root = #"{"type":"Root","principalId":"123456789012","arn":"arn:aws:iam::123456789012:root","accountId":"123456789012"}"#
        #expect(rule.matches(try Self.event("iam.amazonaws.com", "CreateUser", identity: root)))
        // Root identity on a service event (eventType AwsServiceEvent) is excluded.
        let serviceEvent = try SigmaTestSupport.cloudTrail("""
            {"userIdentity":\(root),"eventSource":"health.amazonaws.com","eventName":"AWSHealthEvent","eventType":"AwsServiceEvent"}
            """)
        #expect(!rule.matches(serviceEvent))
        #expect(!rule.matches(try Self.event("iam.amazonaws.com", "CreateUser")))
    }

    @Test func securityGroupIngressChange() throws {
        let rule = try SigmaHQRuleTests.compiled("aws_cloudtrail_security_group_change_ingress_egress.yml")
        let params = """
            "requestParameters":{"groupId":"sg-0123456789abcdef0","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,
            "groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]},"ipv6Ranges":{},"prefixListIds":{}}]}},
            "responseElements":{"_return":true}
            """
        #expect(rule.matches(try Self.event("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", extra: params)))
        #expect(!rule.matches(try Self.event("ec2.amazonaws.com", "DescribeSecurityGroups", extra: params)))
        #expect(!rule.matches(try Self.event("rds.amazonaws.com", "AuthorizeSecurityGroupIngress", extra: params)))
    }

    @Test func vpcFlowLogsDeleted() throws {
        let rule = try SigmaHQRuleTests.compiled("aws_cloudtrail_vpc_flow_logs_deleted.yml")
        let params = #""requestParameters":{"DeleteFlowLogsRequest":{"FlowLogId":{"tag":1,"content":"fl-0123"}}}"#
        #expect(rule.matches(try Self.event("ec2.amazonaws.com", "DeleteFlowLogs", extra: params)))
        // A failed call carries an errorCode.
        #expect(!rule.matches(try Self.event("ec2.amazonaws.com", "DeleteFlowLogs", errorCode: "Client.UnauthorizedOperation", extra: params)))
        #expect(!rule.matches(try Self.event("ec2.amazonaws.com", "CreateFlowLogs", extra: params)))
    }

    @Test func guardDutyDetectorDeletedOrDisabled() throws {
        let rule = try SigmaHQRuleTests.compiled("aws_cloudtrail_guardduty_detector_deleted_or_updated.yml")
        #expect(rule.matches(try Self.event("guardduty.amazonaws.com", "DeleteDetector",
                                           extra: #""requestParameters":{"detectorId":"12abc34d567e8fa901bc2d34e56789f0"},"responseElements":null"#)))
        // UpdateDetector matches only when it disables (`enable` is a JSON boolean in CloudTrail).
        #expect(rule.matches(try Self.event("guardduty.amazonaws.com", "UpdateDetector",
                                           extra: #""requestParameters":{"detectorId":"12ab","enable":false}"#)))
        #expect(!rule.matches(try Self.event("guardduty.amazonaws.com", "UpdateDetector",
                                            extra: #""requestParameters":{"detectorId":"12ab","enable":true}"#)))
        #expect(!rule.matches(try Self.event("guardduty.amazonaws.com", "DeleteDetector", errorCode: "AccessDenied",
                                            extra: #""requestParameters":{"detectorId":"12ab"}"#)))
    }

    @Test func ec2StartupScriptChange() throws {
        let rule = try SigmaHQRuleTests.compiled("aws_ec2_startup_script_change.yml")
        #expect(rule.matches(try Self.event("ec2.amazonaws.com", "ModifyInstanceAttribute",
                                           extra: #""requestParameters":{"instanceId":"i-0abc","attribute":"userData","userData":"<sensitiveDataRemoved>"}"#)))
        #expect(!rule.matches(try Self.event("ec2.amazonaws.com", "ModifyInstanceAttribute",
                                            extra: #""requestParameters":{"instanceId":"i-0abc","attribute":"instanceType","instanceType":{"value":"t3.large"}}"#)))
    }

    @Test func bucketVersioningSuspended() throws {
        let rule = try SigmaHQRuleTests.compiled("aws_disable_bucket_versioning.yml")
        func versioning(_ status: String) throws -> DetectionEvent {
            try Self.event("s3.amazonaws.com", "PutBucketVersioning", extra: """
                "requestParameters":{"bucketName":"evidence","Host":"evidence.s3.eu-west-1.amazonaws.com","versioning":"",
                "VersioningConfiguration":{"Status":"\(status)","xmlns":"http://s3.amazonaws.com/doc/2006-03-01/"}}
                """)
        }
        #expect(rule.matches(try versioning("Suspended")))
        #expect(!rule.matches(try versioning("Enabled")))
    }

    @Test func imdsCredentialsUsedOutsideSSM() throws {
        let rule = try SigmaHQRuleTests.compiled("aws_cloudtrail_imds_malicious_usage.yml")
        let instance = #"{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/aws:ec2-instance/i-0abc","accountId":"123456789012"}"#
        #expect(rule.matches(try Self.event("s3.amazonaws.com", "ListBuckets", identity: instance)))
        #expect(!rule.matches(try Self.event("ssm.amazonaws.com", "UpdateInstanceInformation", identity: instance)))
        let role = #"{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/admin/alice","accountId":"123456789012"}"#
        #expect(!rule.matches(try Self.event("s3.amazonaws.com", "ListBuckets", identity: role)))
    }

    @Test func loginProfileUpdatedForAnotherUser() throws {
        let rule = try SigmaHQRuleTests.compiled("aws_update_login_profile.yml")
        let own = #""requestParameters":{"userName":"arn:aws:iam::123456789012:user/alice","passwordResetRequired":false}"#
        let other = #""requestParameters":{"userName":"bob","passwordResetRequired":false}"#
        #expect(rule.matches(try Self.event("iam.amazonaws.com", "UpdateLoginProfile", extra: other)))
        #expect(!rule.matches(try Self.event("iam.amazonaws.com", "UpdateLoginProfile", extra: own)))
    }
}
