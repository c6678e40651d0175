enum DataCheckCases {
    static let block = "PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}"

    static let all: [CheckCase] = [
        CheckCase("FB-DATA-001", bad: """
            NoBlock: {Type: AWS::S3::Bucket, Properties: {BucketName: b}}
            Partial: {Type: AWS::S3::Bucket, Properties: {PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true}}}
            """, flagged: ["NoBlock", "Partial"], good: "Blocked: {Type: AWS::S3::Bucket, Properties: {\(block)}}"),
        CheckCase("FB-DATA-002", bad: """
            Read: {Type: AWS::S3::Bucket, Properties: {AccessControl: PublicRead}}
            Auth: {Type: AWS::S3::Bucket, Properties: {AccessControl: AuthenticatedRead}}
            """, flagged: ["Read", "Auth"], good: "Private: {Type: AWS::S3::Bucket, Properties: {AccessControl: Private}}"),
        CheckCase("FB-DATA-003", bad: """
            Pol: {Type: AWS::S3::BucketPolicy, Properties: {Bucket: b, PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}]}}}
            InList: {Type: AWS::S3::BucketPolicy, Properties: {Bucket: b, PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: ['*']}, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}]}}}
            AmongOthers: {Type: AWS::S3::BucketPolicy, Properties: {Bucket: b, PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: ['arn:aws:iam::111122223333:root', '*']}, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}]}}}
            """, flagged: ["Pol", "InList", "AmongOthers"], good: """
            Named: {Type: AWS::S3::BucketPolicy, Properties: {Bucket: b, PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:role/reader']}, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}]}}}
            Pol: {Type: AWS::S3::BucketPolicy, Properties: {Bucket: b, PolicyDocument: {Statement: [{Effect: Deny, Principal: '*', Action: 's3:*', Resource: '*', Condition: {Bool: {'aws:SecureTransport': 'false'}}}]}}}
            """),
        // With s3_require_kms (off by default: see S3DefaultEncryptionTests).
        CheckCase("FB-DATA-004", bad: """
            Plain: {Type: AWS::S3::Bucket}
            SseS3: {Type: AWS::S3::Bucket, Properties: {BucketEncryption: {ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}}]}}}
            """, flagged: ["Plain", "SseS3"], good: """
            Enc: {Type: AWS::S3::Bucket, Properties: {BucketEncryption: {ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: 'aws:kms', KMSMasterKeyID: {Ref: Key}}, BucketKeyEnabled: true}]}}}
            Dsse: {Type: AWS::S3::Bucket, Properties: {BucketEncryption: {ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: 'aws:kms:dsse'}}]}}}
            """, configuration: S3DefaultEncryptionTests.requireKMS),
        CheckCase("FB-DATA-005", bad: "Plain: {Type: AWS::S3::Bucket, Properties: {VersioningConfiguration: {Status: Suspended}}}", flagged: ["Plain"],
                  good: "Versioned: {Type: AWS::S3::Bucket, Properties: {VersioningConfiguration: {Status: Enabled}}}"),
        CheckCase("FB-DATA-006", bad: """
            Vol: {Type: AWS::EC2::Volume, Properties: {Size: 10}}
            Off: {Type: AWS::EC2::Volume, Properties: {Encrypted: false}}
            """, flagged: ["Vol", "Off"], good: "Vol: {Type: AWS::EC2::Volume, Properties: {Encrypted: true}}"),
        CheckCase("FB-DATA-007", bad: "Db: {Type: AWS::RDS::DBInstance, Properties: {Engine: postgres}}", flagged: ["Db"], good: """
            Db: {Type: AWS::RDS::DBInstance, Properties: {Engine: postgres, StorageEncrypted: true}}
            Member: {Type: AWS::RDS::DBInstance, Properties: {DBClusterIdentifier: {Ref: Cluster}}}
            """),
        CheckCase("FB-DATA-008", bad: "Cluster: {Type: AWS::RDS::DBCluster, Properties: {Engine: aurora-postgresql}}", flagged: ["Cluster"],
                  good: "Cluster: {Type: AWS::RDS::DBCluster, Properties: {StorageEncrypted: 'true'}}"),
        CheckCase("FB-DATA-009", bad: "Db: {Type: AWS::RDS::DBInstance, Properties: {PubliclyAccessible: true}}", flagged: ["Db"],
                  good: "Db: {Type: AWS::RDS::DBInstance, Properties: {PubliclyAccessible: false}}"),
        // SSE-SQS is the default for new queues: only SqsManagedSseEnabled: false without a key is unencrypted.
        CheckCase("FB-DATA-010", bad: """
            Off: {Type: AWS::SQS::Queue, Properties: {SqsManagedSseEnabled: false}}
            OffText: {Type: AWS::SQS::Queue, Properties: {QueueName: jobs, SqsManagedSseEnabled: 'false'}}
            """, flagged: ["Off", "OffText"], good: """
            Q: {Type: AWS::SQS::Queue, Properties: {}}
            NoProps: {Type: AWS::SQS::Queue}
            Kms: {Type: AWS::SQS::Queue, Properties: {KmsMasterKeyId: alias/aws/sqs}}
            KmsOff: {Type: AWS::SQS::Queue, Properties: {SqsManagedSseEnabled: false, KmsMasterKeyId: alias/aws/sqs}}
            Sse: {Type: AWS::SQS::Queue, Properties: {SqsManagedSseEnabled: true}}
            """),
        CheckCase("FB-DATA-011", bad: "T: {Type: AWS::SNS::Topic}", flagged: ["T"],
                  good: "T: {Type: AWS::SNS::Topic, Properties: {KmsMasterKeyId: {Ref: Key}}}"),
        CheckCase("FB-DATA-012", bad: "Fs: {Type: AWS::EFS::FileSystem, Properties: {}}", flagged: ["Fs"],
                  good: "Fs: {Type: AWS::EFS::FileSystem, Properties: {Encrypted: true}}"),
        CheckCase("FB-DATA-013", bad: "Key: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {}}}", flagged: ["Key"], good: """
            Key: {Type: AWS::KMS::Key, Properties: {EnableKeyRotation: true}}
            Rsa: {Type: AWS::KMS::Key, Properties: {KeySpec: RSA_2048, KeyUsage: SIGN_VERIFY}}
            """),
        CheckCase("FB-DATA-014", bad: "Table: {Type: AWS::DynamoDB::Table, Properties: {TableName: t}}", flagged: ["Table"],
                  good: "Table: {Type: AWS::DynamoDB::Table, Properties: {PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}}}"),
        CheckCase("FB-DATA-015", bad: "Redis: {Type: AWS::ElastiCache::ReplicationGroup, Properties: {AtRestEncryptionEnabled: true}}", flagged: ["Redis"],
                  good: "Redis: {Type: AWS::ElastiCache::ReplicationGroup, Properties: {AtRestEncryptionEnabled: true, TransitEncryptionEnabled: true}}"),
    ]
}
