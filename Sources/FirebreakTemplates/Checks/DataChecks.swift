/// Data checks: public S3 buckets, encryption at rest, public databases, key rotation.
enum DataChecks {
    static let all: [any TemplateCheck] = [
        s3PublicAccessBlock, s3PublicACL, s3PublicPolicy, s3Encryption, s3Versioning, ebsEncryption,
        rdsInstanceEncryption, rdsClusterEncryption, rdsPublic, sqsEncryption, snsEncryption, efsEncryption,
        kmsRotation, dynamoPITR, elastiCacheEncryption,
    ]

    /// A rule that reports a resource whose boolean property is not literally `true`.
    static func requireTrue(_ definition: CheckDefinition, type: String, property: String,
                            message: String) -> ResourceRule {
        ResourceRule(definition, types: [type]) { resource, _ in
            CheckValues.bool(resource.properties[property]) == true
                ? [] : [Violation(message, line: resource.properties.line(of: property))]
        }
    }

    static let s3PublicAccessBlock = ResourceRule(CheckDefinition(
        id: "FB-DATA-001", title: "S3 bucket without a full public access block", level: .error,
        description: "PublicAccessBlockConfiguration is missing or does not set BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets to true.",
        fix: "Set all four PublicAccessBlockConfiguration flags to true.",
        checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"]), types: ["AWS::S3::Bucket"]) { resource, _ in
        let p = resource.properties
        guard let block = p["PublicAccessBlockConfiguration"], CheckValues.present(block) else {
            return [Violation("no PublicAccessBlockConfiguration")]
        }
        let flags = ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"]
        let missing = flags.filter { CheckValues.bool(block[$0]) != true }
        return missing.isEmpty ? [] : [Violation("PublicAccessBlockConfiguration does not set \(missing.joined(separator: ", ")) to true",
                                                  line: p.line(of: "PublicAccessBlockConfiguration"))]
    }

    static let s3PublicACL = ResourceRule(CheckDefinition(
        id: "FB-DATA-002", title: "S3 bucket with a public canned ACL", level: .error,
        description: "AccessControl is PublicRead, PublicReadWrite or AuthenticatedRead.",
        fix: "Remove AccessControl (or use Private) and serve public content through CloudFront with OAC.",
        cfnNag: ["W31", "F14"], checkov: ["CKV_AWS_20", "CKV_AWS_57"]), types: ["AWS::S3::Bucket"]) { resource, _ in
        guard let acl = CheckValues.literal(resource.properties["AccessControl"]),
              ["PublicRead", "PublicReadWrite", "AuthenticatedRead"].contains(acl) else { return [] }
        return [Violation("AccessControl is \(acl)", line: resource.properties.line(of: "AccessControl"))]
    }

    static let s3PublicPolicy = ResourceRule(CheckDefinition(
        id: "FB-DATA-003", title: "S3 bucket policy allows any principal", level: .error,
        description: "An Allow statement of an AWS::S3::BucketPolicy has Principal \"*\" without a Condition.",
        fix: "Name the principals, or restrict with conditions (aws:SourceArn, aws:PrincipalOrgID); use CloudFront OAC for public content.",
        cfnNag: ["F16"]), types: ["AWS::S3::BucketPolicy"]) { resource, _ in
        PolicyDocuments.statements(resource.properties["PolicyDocument"])
            .filter { $0.isAllow && $0.hasWildcardPrincipal && !$0.hasCondition }.map {
                Violation("allows Principal \"*\" (\($0.actions.joined(separator: ", ")))", line: PolicyDocuments.line($0, fallback: resource.line))
            }
    }

    /// S3 encrypts every bucket with SSE-S3 since January 2023 (and it cannot be turned off), so a bucket
    /// without `BucketEncryption` is encrypted. With `s3_require_kms: true` (off by default) this check
    /// requires SSE-KMS: `BucketEncryption` whose default `SSEAlgorithm` is `aws:kms` or `aws:kms:dsse`.
    static let s3Encryption = ResourceRule(CheckDefinition(
        id: "FB-DATA-004", title: "S3 bucket not encrypted with KMS (s3_require_kms)", level: .warning,
        description: "With s3_require_kms: true, the bucket's default encryption is not SSE-KMS (aws:kms or aws:kms:dsse). Off by default: S3 applies SSE-S3 to every bucket since January 2023.",
        fix: "Set BucketEncryption.ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault.SSEAlgorithm to aws:kms (with KMSMasterKeyID).",
        cfnNag: ["W41"], checkov: ["CKV_AWS_19"]), types: ["AWS::S3::Bucket"]) { resource, context in
        guard context.configuration.s3RequireKMS else { return [] }
        let p = resource.properties
        guard let encryption = p["BucketEncryption"], CheckValues.present(encryption) else {
            return [Violation("no BucketEncryption: SSE-S3 only, and s3_require_kms is set")]
        }
        let rules = encryption["ServerSideEncryptionConfiguration"]?.list ?? []
        let algorithms = rules.compactMap { CheckValues.literal($0["ServerSideEncryptionByDefault"]?["SSEAlgorithm"]) }
        if algorithms.contains(where: { $0 == "aws:kms" || $0 == "aws:kms:dsse" }) { return [] }
        let found = algorithms.isEmpty ? "no SSEAlgorithm" : "SSEAlgorithm \(algorithms.joined(separator: ", "))"
        return [Violation("\(found), not aws:kms, and s3_require_kms is set", line: p.line(of: "BucketEncryption"))]
    }

    static let s3Versioning = ResourceRule(CheckDefinition(
        id: "FB-DATA-005", title: "S3 bucket without versioning", level: .warning,
        description: "VersioningConfiguration.Status is not Enabled.",
        fix: "Set VersioningConfiguration: {Status: Enabled}.",
        checkov: ["CKV_AWS_21"]), types: ["AWS::S3::Bucket"]) { resource, _ in
        CheckValues.literal(resource.properties["VersioningConfiguration"]?["Status"]) == "Enabled"
            ? [] : [Violation("versioning not enabled", line: resource.properties.line(of: "VersioningConfiguration"))]
    }

    static let ebsEncryption = requireTrue(CheckDefinition(
        id: "FB-DATA-006", title: "EBS volume not encrypted", level: .error,
        description: "An AWS::EC2::Volume does not set Encrypted: true.",
        fix: "Set Encrypted: true (and KmsKeyId for a customer managed key).",
        cfnNag: ["F1"], checkov: ["CKV_AWS_3"]), type: "AWS::EC2::Volume", property: "Encrypted", message: "Encrypted is not true")

    static let rdsInstanceEncryption = ResourceRule(CheckDefinition(
        id: "FB-DATA-007", title: "RDS instance storage not encrypted", level: .error,
        description: "An AWS::RDS::DBInstance outside a cluster does not set StorageEncrypted: true.",
        fix: "Set StorageEncrypted: true (and KmsKeyId).",
        cfnNag: ["F27"], checkov: ["CKV_AWS_16"]), types: ["AWS::RDS::DBInstance"]) { resource, _ in
        let p = resource.properties
        if CheckValues.present(p["DBClusterIdentifier"]) || CheckValues.present(p["SourceDBInstanceIdentifier"]) { return [] }
        return CheckValues.bool(p["StorageEncrypted"]) == true ? [] : [Violation("StorageEncrypted is not true", line: p.line(of: "StorageEncrypted"))]
    }

    static let rdsClusterEncryption = requireTrue(CheckDefinition(
        id: "FB-DATA-008", title: "RDS cluster storage not encrypted", level: .error,
        description: "An AWS::RDS::DBCluster does not set StorageEncrypted: true.",
        fix: "Set StorageEncrypted: true (and KmsKeyId).",
        cfnNag: ["F26"], checkov: ["CKV_AWS_96"]), type: "AWS::RDS::DBCluster", property: "StorageEncrypted",
        message: "StorageEncrypted is not true")

    static let rdsPublic = ResourceRule(CheckDefinition(
        id: "FB-DATA-009", title: "RDS instance publicly accessible", level: .error,
        description: "An AWS::RDS::DBInstance sets PubliclyAccessible: true.",
        fix: "Set PubliclyAccessible: false and reach the database from inside the VPC.",
        cfnNag: ["F22"], checkov: ["CKV_AWS_17"]), types: ["AWS::RDS::DBInstance"]) { resource, _ in
        CheckValues.bool(resource.properties["PubliclyAccessible"]) == true
            ? [Violation("PubliclyAccessible is true", line: resource.properties.line(of: "PubliclyAccessible"))] : []
    }

    /// SQS encrypts new queues with SSE-SQS by default since October 2022: only `SqsManagedSseEnabled: false`
    /// without a `KmsMasterKeyId` leaves a queue unencrypted.
    static let sqsEncryption = ResourceRule(CheckDefinition(
        id: "FB-DATA-010", title: "SQS queue not encrypted", level: .warning,
        description: "An AWS::SQS::Queue sets SqsManagedSseEnabled: false without a KmsMasterKeyId (queues are encrypted with SSE-SQS by default).",
        fix: "Remove SqsManagedSseEnabled: false, or set KmsMasterKeyId (SSE-KMS).",
        cfnNag: ["W48"], checkov: ["CKV_AWS_27"]), types: ["AWS::SQS::Queue"]) { resource, _ in
        let p = resource.properties
        if CheckValues.present(p["KmsMasterKeyId"]) || CheckValues.bool(p["SqsManagedSseEnabled"]) != false { return [] }
        return [Violation("SqsManagedSseEnabled is false and there is no KmsMasterKeyId",
                          line: p.line(of: "SqsManagedSseEnabled"))]
    }

    static let snsEncryption = ResourceRule(CheckDefinition(
        id: "FB-DATA-011", title: "SNS topic not encrypted", level: .warning,
        description: "An AWS::SNS::Topic does not set KmsMasterKeyId.",
        fix: "Set KmsMasterKeyId (e.g. alias/aws/sns or a customer managed key).",
        cfnNag: ["W47"], checkov: ["CKV_AWS_26"]), types: ["AWS::SNS::Topic"]) { resource, _ in
        CheckValues.present(resource.properties["KmsMasterKeyId"]) ? [] : [Violation("no KmsMasterKeyId")]
    }

    static let efsEncryption = requireTrue(CheckDefinition(
        id: "FB-DATA-012", title: "EFS file system not encrypted", level: .error,
        description: "An AWS::EFS::FileSystem does not set Encrypted: true.",
        fix: "Set Encrypted: true (and KmsKeyId).",
        cfnNag: ["F32"], checkov: ["CKV_AWS_42"]), type: "AWS::EFS::FileSystem", property: "Encrypted", message: "Encrypted is not true")

    static let kmsRotation = ResourceRule(CheckDefinition(
        id: "FB-DATA-013", title: "KMS key without rotation", level: .warning,
        description: "A symmetric AWS::KMS::Key does not set EnableKeyRotation: true.",
        fix: "Set EnableKeyRotation: true.",
        cfnNag: ["F19"], checkov: ["CKV_AWS_7"]), types: ["AWS::KMS::Key"]) { resource, _ in
        let p = resource.properties
        if let spec = CheckValues.literal(p["KeySpec"]), spec != "SYMMETRIC_DEFAULT" { return [] }
        return CheckValues.bool(p["EnableKeyRotation"]) == true ? [] : [Violation("EnableKeyRotation is not true", line: p.line(of: "EnableKeyRotation"))]
    }

    static let dynamoPITR = ResourceRule(CheckDefinition(
        id: "FB-DATA-014", title: "DynamoDB table without point-in-time recovery", level: .warning,
        description: "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is not true.",
        fix: "Set PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}.",
        cfnNag: ["W78"], checkov: ["CKV_AWS_28"]), types: ["AWS::DynamoDB::Table"]) { resource, _ in
        CheckValues.bool(resource.properties["PointInTimeRecoverySpecification"]?["PointInTimeRecoveryEnabled"]) == true
            ? [] : [Violation("point-in-time recovery not enabled")]
    }

    static let elastiCacheEncryption = ResourceRule(CheckDefinition(
        id: "FB-DATA-015", title: "ElastiCache replication group not encrypted", level: .warning,
        description: "An AWS::ElastiCache::ReplicationGroup does not set AtRestEncryptionEnabled and TransitEncryptionEnabled to true.",
        fix: "Set AtRestEncryptionEnabled: true and TransitEncryptionEnabled: true.",
        cfnNag: ["F25", "F33"], checkov: ["CKV_AWS_29", "CKV_AWS_30"]), types: ["AWS::ElastiCache::ReplicationGroup"]) { resource, _ in
        let p = resource.properties
        return ["AtRestEncryptionEnabled", "TransitEncryptionEnabled"].filter { CheckValues.bool(p[$0]) != true }.map {
            Violation("\($0) is not true", line: p.line(of: $0))
        }
    }
}
