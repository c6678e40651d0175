/// Logging checks: CloudTrail, VPC flow logs, access logs of load balancers, buckets, distributions, APIs.
enum LoggingChecks {
    static let all: [any TemplateCheck] = [
        trailValidation, trailMultiRegion, trailEncryption, vpcFlowLogs, elbv2AccessLogs, classicELBAccessLogs,
        s3AccessLogs, cloudFrontLogging, apiGatewayAccessLogs, logGroupRetention,
    ]

    static let trailValidation = DataChecks.requireTrue(CheckDefinition(
        id: "FB-LOG-001", title: "CloudTrail without log file validation", level: .warning,
        description: "An AWS::CloudTrail::Trail does not set EnableLogFileValidation: true.",
        fix: "Set EnableLogFileValidation: true.",
        checkov: ["CKV_AWS_36"]), type: "AWS::CloudTrail::Trail", property: "EnableLogFileValidation",
        message: "EnableLogFileValidation is not true")

    static let trailMultiRegion = DataChecks.requireTrue(CheckDefinition(
        id: "FB-LOG-002", title: "CloudTrail not multi-region", level: .warning,
        description: "An AWS::CloudTrail::Trail does not set IsMultiRegionTrail: true.",
        fix: "Set IsMultiRegionTrail: true.",
        checkov: ["CKV_AWS_67"]), type: "AWS::CloudTrail::Trail", property: "IsMultiRegionTrail",
        message: "IsMultiRegionTrail is not true")

    static let trailEncryption = ResourceRule(CheckDefinition(
        id: "FB-LOG-003", title: "CloudTrail logs not encrypted with KMS", level: .warning,
        description: "An AWS::CloudTrail::Trail does not set KMSKeyId.",
        fix: "Set KMSKeyId to a customer managed key.",
        checkov: ["CKV_AWS_35"]), types: ["AWS::CloudTrail::Trail"]) { resource, _ in
        CheckValues.present(resource.properties["KMSKeyId"]) ? [] : [Violation("no KMSKeyId")]
    }

    static let vpcFlowLogs = ResourceRule(CheckDefinition(
        id: "FB-LOG-004", title: "VPC without flow logs", level: .warning,
        description: "No AWS::EC2::FlowLog of this template refers to the VPC (ResourceId by Ref or Fn::GetAtt).",
        fix: "Add an AWS::EC2::FlowLog with ResourceType: VPC and ResourceId: !Ref <VPC>."), types: ["AWS::EC2::VPC"]) { resource, context in
        let covered = context.resources(ofType: "AWS::EC2::FlowLog").contains {
            CheckValues.references(in: $0.properties["ResourceId"]).contains(resource.logicalID)
                || CheckValues.references(in: $0.properties["ResourceIds"]).contains(resource.logicalID)
        }
        return covered ? [] : [Violation("no AWS::EC2::FlowLog refers to this VPC")]
    }

    static let elbv2AccessLogs = ResourceRule(CheckDefinition(
        id: "FB-LOG-005", title: "Load balancer without access logs", level: .warning,
        description: "An AWS::ElasticLoadBalancingV2::LoadBalancer (application or classic-style) does not set the attribute access_logs.s3.enabled to true.",
        fix: "Add LoadBalancerAttributes: [{Key: access_logs.s3.enabled, Value: \"true\"}, {Key: access_logs.s3.bucket, Value: ...}].",
        cfnNag: ["W52"], checkov: ["CKV_AWS_91"]), types: ["AWS::ElasticLoadBalancingV2::LoadBalancer"]) { resource, _ in
        let p = resource.properties
        if let type = CheckValues.literal(p["Type"]), type == "gateway" { return [] }
        let enabled = (p["LoadBalancerAttributes"]?.list ?? []).contains {
            CheckValues.literal($0["Key"]) == "access_logs.s3.enabled" && CheckValues.bool($0["Value"]) == true
        }
        return enabled ? [] : [Violation("access_logs.s3.enabled is not true", line: p.line(of: "LoadBalancerAttributes"))]
    }

    static let classicELBAccessLogs = ResourceRule(CheckDefinition(
        id: "FB-LOG-006", title: "Classic load balancer without access logs", level: .warning,
        description: "An AWS::ElasticLoadBalancing::LoadBalancer has no AccessLoggingPolicy with Enabled: true.",
        fix: "Set AccessLoggingPolicy: {Enabled: true, S3BucketName: ..., EmitInterval: 5}.",
        cfnNag: ["W26"], checkov: ["CKV_AWS_92"]), types: ["AWS::ElasticLoadBalancing::LoadBalancer"]) { resource, _ in
        CheckValues.bool(resource.properties["AccessLoggingPolicy"]?["Enabled"]) == true
            ? [] : [Violation("AccessLoggingPolicy not enabled", line: resource.properties.line(of: "AccessLoggingPolicy"))]
    }

    static let s3AccessLogs = ResourceRule(CheckDefinition(
        id: "FB-LOG-007", title: "S3 bucket without access logging", level: .warning,
        description: "An AWS::S3::Bucket has no LoggingConfiguration (buckets that are themselves log targets are left out: AccessControl LogDeliveryWrite, or the DestinationBucketName of another bucket of the template).",
        fix: "Set LoggingConfiguration: {DestinationBucketName: ..., LogFilePrefix: ...}.",
        cfnNag: ["W35"], checkov: ["CKV_AWS_18"]), types: ["AWS::S3::Bucket"]) { resource, context in
        let p = resource.properties
        if CheckValues.literal(p["AccessControl"]) == "LogDeliveryWrite" || CheckValues.present(p["LoggingConfiguration"]) { return [] }
        // A log target that grants delivery by bucket policy (ACLs disabled, as AWS recommends) must not log to itself.
        let isLogTarget = context.resources(ofType: "AWS::S3::Bucket").contains {
            $0.logicalID != resource.logicalID
                && CheckValues.references(in: $0.properties["LoggingConfiguration"]?["DestinationBucketName"]).contains(resource.logicalID)
        }
        return isLogTarget ? [] : [Violation("no LoggingConfiguration")]
    }

    static let cloudFrontLogging = ResourceRule(CheckDefinition(
        id: "FB-LOG-008", title: "CloudFront distribution without access logging", level: .warning,
        description: "DistributionConfig.Logging is not set.",
        fix: "Set DistributionConfig.Logging: {Bucket: ..., Prefix: ...}.",
        cfnNag: ["W10"], checkov: ["CKV_AWS_86"]), types: ["AWS::CloudFront::Distribution"]) { resource, _ in
        CheckValues.present(resource.properties["DistributionConfig"]?["Logging"]) ? [] : [Violation("no DistributionConfig.Logging")]
    }

    static let apiGatewayAccessLogs = ResourceRule(CheckDefinition(
        id: "FB-LOG-009", title: "API Gateway stage without access logs", level: .warning,
        description: "An AWS::ApiGateway::Stage or AWS::ApiGatewayV2::Stage has no AccessLogSetting(s).DestinationArn.",
        fix: "Set AccessLogSetting.DestinationArn to a log group ARN and a Format.",
        cfnNag: ["W69", "W46"], checkov: ["CKV_AWS_76", "CKV_AWS_95"]), types: ["AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"]) { resource, _ in
        let p = resource.properties
        let setting = p["AccessLogSetting"] ?? p["AccessLogSettings"]
        return CheckValues.present(setting?["DestinationArn"]) ? [] : [Violation("no access log destination")]
    }

    static let logGroupRetention = ResourceRule(CheckDefinition(
        id: "FB-LOG-010", title: "Log group without retention", level: .warning,
        description: "An AWS::Logs::LogGroup does not set RetentionInDays, so logs are kept (and billed) forever.",
        fix: "Set RetentionInDays to the period your policy requires (e.g. 365).",
        cfnNag: ["W86"], checkov: ["CKV_AWS_66"]), types: ["AWS::Logs::LogGroup"]) { resource, _ in
        CheckValues.present(resource.properties["RetentionInDays"]) ? [] : [Violation("no RetentionInDays")]
    }
}
