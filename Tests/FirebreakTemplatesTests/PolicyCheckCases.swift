import FirebreakTemplates

enum PolicyCheckCases {
    static func configured(_ change: (inout CheckConfiguration) -> Void) -> CheckConfiguration {
        var configuration = CheckConfiguration()
        change(&configuration)
        return configuration
    }

    static let all: [CheckCase] = [
        CheckCase("FB-POL-001", bad: """
            myBucket: {Type: AWS::S3::Bucket}
            Good: {Type: AWS::S3::Bucket}
            """, flagged: ["myBucket"], good: "MyBucket: {Type: AWS::S3::Bucket}"),
        CheckCase("FB-POL-002", bad: """
            Bucket: {Type: AWS::S3::Bucket}
            Vm: {Type: AWS::EC2::Instance}
            """, flagged: ["Vm"], good: "Bucket: {Type: AWS::S3::Bucket}",
            configuration: configured { $0.allowedResourceTypes = ["AWS::S3::*", "AWS::IAM::Role"] }),
        CheckCase("FB-POL-003", bad: """
            User: {Type: AWS::IAM::User}
            Bucket: {Type: AWS::S3::Bucket}
            """, flagged: ["User"], good: "Bucket: {Type: AWS::S3::Bucket}",
            configuration: configured { $0.deniedResourceTypes = ["AWS::IAM::User", "AWS::IAM::AccessKey"] }),
        CheckCase("FB-POL-004", bad: """
            DbSg: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/0}]}}
            CacheSg: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: c}}
            CacheIn: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: {Ref: CacheSg}, IpProtocol: tcp, FromPort: 6379, ToPort: 6379, CidrIp: 0.0.0.0/0}}
            Db: {Type: AWS::RDS::DBInstance, Properties: {PubliclyAccessible: false, VPCSecurityGroups: [{"Fn::GetAtt": [DbSg, GroupId]}]}}
            Cache: {Type: AWS::ElastiCache::ReplicationGroup, Properties: {SecurityGroupIds: [{Ref: CacheSg}]}}
            """, flagged: ["DbSg", "CacheIn"], good: """
            DbSg: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/0}]}}
            Db: {Type: AWS::RDS::DBInstance, Properties: {PubliclyAccessible: true, VPCSecurityGroups: [{Ref: DbSg}]}}
            WebSg: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}]}}
            """),
        CheckCase("FB-POL-005", bad: """
            Role: {Type: AWS::IAM::Role, Properties: {Policies: [{PolicyName: inline, PolicyDocument: {Statement: []}}]}}
            Pol: {Type: AWS::IAM::Policy, Properties: {PolicyName: p, PolicyDocument: {Statement: []}}}
            """, flagged: ["Role", "Pol"], good: """
            Role: {Type: AWS::IAM::Role, Properties: {ManagedPolicyArns: [{Ref: Managed}]}}
            Managed: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Statement: []}}}
            """, configuration: configured { $0.denyInlinePolicies = true }),
        CheckCase("FB-POL-006", bad: """
            Pol: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Action: ['iam:CreateUser'], Resource: '*'}]}}}
            Other: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Action: ['ec2:RunInstances'], Resource: '*'}]}}}
            """, flagged: ["Pol", "Other"], good: """
            Pol: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Action: ['s3:GetObject'], Resource: '*'}, {Effect: Deny, Action: ['iam:*'], Resource: '*'}]}}}
            """, configuration: configured { $0.deniedActions = ["iam:*"]; $0.allowedActions = ["s3:*", "sqs:*"] }),
        CheckCase("FB-POL-007", bad: """
            Pol: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::prod-secrets/*'}]}}}
            """, flagged: ["Pol"], good: """
            Pol: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::app-*/*'}]}}}
            """, configuration: configured { $0.deniedPolicyResources = ["*secrets*"]; $0.allowedPolicyResources = ["arn:aws:s3:::app-*"] }),
        CheckCase("FB-POL-008", bad: """
            Role: {Type: AWS::IAM::Role, Properties: {ManagedPolicyArns: ['arn:aws:iam::aws:policy/PowerUserAccess']}}
            Admin: {Type: AWS::IAM::Role, Properties: {ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess']}}
            """, flagged: ["Role", "Admin"], good: """
            Role: {Type: AWS::IAM::Role, Properties: {ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess']}}
            """, configuration: configured { $0.allowedManagedPolicyARNs = ["arn:aws:iam::aws:policy/ReadOnly*"] }),
        // A TCP/UDP rule with FromPort above ToPort or port -1 opens nothing (EC2 rejects it); a range opens its ports.
        CheckCase("FB-POL-004", bad: """
            DbSg: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 5000, ToPort: 6000, CidrIpv6: "::/0"}]}}
            Db: {Type: AWS::RDS::DBCluster, Properties: {VpcSecurityGroupIds: [{Ref: DbSg}]}}
            """, flagged: ["DbSg"], good: """
            DbSg: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 6000, ToPort: 5000, CidrIpv6: "::/0"}]}}
            DbIn: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: {Ref: DbSg}, IpProtocol: tcp, FromPort: -1, ToPort: -1, CidrIp: 0.0.0.0/0}}
            Db: {Type: AWS::RDS::DBCluster, Properties: {VpcSecurityGroupIds: [{Ref: DbSg}]}}
            """),
    ]
}
