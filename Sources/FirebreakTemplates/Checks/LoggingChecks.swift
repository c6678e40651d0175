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
        id: "FB-LOG-009", title: "API without access logs", level: .warning,
        description: "An AWS::ApiGateway::Stage or AWS::ApiGatewayV2::Stage has no AccessLogSetting(s).DestinationArn; "
            + "an AWS::Serverless::Api (AccessLogSetting) or AWS::Serverless::HttpApi (AccessLogSettings) has none, "
            + "of its own or from Globals; SAM's implicit ServerlessRestApi (ServerlessHttpApi), which Api (HttpApi) "
            + "events without RestApiId (ApiId) create, gets none from Globals.Api (Globals.HttpApi): reported once, "
            + "on the first function that creates it. An intrinsic (Ref, GetAtt, ...) counts as a destination.",
        fix: "Set AccessLogSetting.DestinationArn (AccessLogSettings for HTTP APIs) to a log group ARN and a Format; "
            + "for SAM's implicit APIs, in Globals: Api (Globals: HttpApi).",
        cfnNag: ["W69", "W46"], checkov: ["CKV_AWS_76", "CKV_AWS_95"]),
        types: Set(["AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage", "AWS::Serverless::Api", "AWS::Serverless::HttpApi"])
            .union(SAMImplicitAPI.creatorTypes)) { resource, context in
        let p = resource.properties
        if let api = SAMImplicitAPI(explicitType: resource.type) {
            return explicitAPIViolations(api, resource: resource, context: context)
        }
        if SAMImplicitAPI.creatorTypes.contains(resource.type) {
            return SAMImplicitAPI.allCases.filter { $0.isCreated(by: resource) && $0.firstCreator(in: context) == resource.logicalID }
                .flatMap { implicitAPIViolations($0, context: context) }
        }
        return logsAccess(p["AccessLogSetting"] ?? p["AccessLogSettings"]) ? [] : [Violation("no access log destination")]
    }

    /// Whether an access log setting names a destination; an unresolved intrinsic counts (it is not guessed).
    static func logsAccess(_ setting: TemplateValue?) -> Bool {
        guard let setting, CheckValues.present(setting) else { return false }
        return setting.intrinsic != nil || CheckValues.present(setting["DestinationArn"])
    }

    /// The `Fn::If` branches of a (not yet resolved) setting on which it logs nothing: empty when it always
    /// logs, `[nil]` when it never does.
    static func branchesWithoutAccessLogs(_ setting: TemplateValue?, resolver: TemplateResolver) -> [String?] {
        guard let setting else { return [nil] }
        let variants = resolver.variants(setting)
        let missing = variants.filter { !logsAccess($0.value) }
        return missing.count == variants.count ? (missing.isEmpty ? [] : [nil]) : missing.map(\.branch)
    }

    /// An explicit `AWS::Serverless::Api`/`HttpApi` (one resolved variant): its own setting; when the resource
    /// writes none (a template whose `Globals` were not merged), the one of `Globals`, whose map a map of
    /// the resource's own is merged over.
    private static func explicitAPIViolations(_ api: SAMImplicitAPI, resource: TemplateResource, context: CheckContext) -> [Violation] {
        let properties = resource.properties
        let own = properties[api.accessLogKey]
        if logsAccess(own) { return [] }
        let globals = api.globalAccessLogSetting(in: context.template)
        let message = "no \(api.accessLogKey) with a DestinationArn, of its own or in Globals.\(api.globalsSection)"
        if context.resource(resource.logicalID)?.properties[api.accessLogKey] == nil {
            return branchesWithoutAccessLogs(globals, resolver: context.resolver).map { label in
                Violation(message + (label.map { " when \($0)" } ?? ""))
            }
        }
        if let own, own.map != nil, own.intrinsic == nil, let globals, globals.intrinsic == nil,
           CheckValues.present(context.resolver.resolve(globals)?["DestinationArn"]) {
            return []
        }
        return [Violation(message, line: properties.line(of: api.accessLogKey))]
    }

    /// SAM's implicit API, reported on its first creator: logged only by `Globals`.
    private static func implicitAPIViolations(_ api: SAMImplicitAPI, context: CheckContext) -> [Violation] {
        branchesWithoutAccessLogs(api.globalAccessLogSetting(in: context.template), resolver: context.resolver).map { label in
            Violation("the implicit API \(api.rawValue) (created by \(api.eventType) events without \(api.apiIDKey)) has no "
                + "access logging\(label.map { " when \($0)" } ?? ""): set Globals: \(api.globalsSection): \(api.accessLogKey) "
                + "with a DestinationArn, or give the events the \(api.apiIDKey) of an \(api.explicitType) that logs")
        }
    }

    static let logGroupRetention = ResourceRule(CheckDefinition(
        id: "FB-LOG-010", title: "Log group without retention", level: .warning,
        description: "An AWS::Logs::LogGroup does not set RetentionInDays, so logs are kept (and billed) forever.",
        fix: "Set RetentionInDays to the period your policy requires (e.g. 365).",
        cfnNag: ["W86"], checkov: ["CKV_AWS_66"]), types: ["AWS::Logs::LogGroup"]) { resource, _ in
        CheckValues.present(resource.properties["RetentionInDays"]) ? [] : [Violation("no RetentionInDays")]
    }
}
