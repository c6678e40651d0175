enum IAMCheckCases {
    static func role(_ name: String, _ statement: String) -> String {
        "\(name): {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}, Policies: [{PolicyName: p, PolicyDocument: {Version: 2012-10-17, Statement: [\(statement)]}}]}}"
    }
    static func policy(_ name: String, _ statement: String, type: String = "AWS::IAM::Policy") -> String {
        "\(name): {Type: \(type), Properties: {PolicyName: p, Roles: [r], PolicyDocument: {Statement: \(statement)}}}"
    }

    static let all: [CheckCase] = [
        CheckCase("FB-IAM-001", bad: [
            role("Admin", "{Effect: Allow, Action: '*', Resource: '*'}"),
            policy("Pol", "{Effect: Allow, Action: ['s3:GetObject', '*'], Resource: ['*']}"),
            policy("Managed", "[{Effect: Allow, Action: '*', Resource: '*'}]", type: "AWS::IAM::ManagedPolicy"),
        ].joined(separator: "\n"), flagged: ["Admin", "Pol", "Managed"], good: [
            role("Reader", "{Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}"),
            policy("DenyAll", "{Effect: Deny, Action: '*', Resource: '*'}"),
        ].joined(separator: "\n")),
        CheckCase("FB-IAM-002", bad: role("S3All", "{Effect: Allow, Action: 's3:*', Resource: '*'}"), flagged: ["S3All"],
                  good: role("S3Bucket", "{Effect: Allow, Action: 's3:*', Resource: 'arn:aws:s3:::b/*'}")),
        CheckCase("FB-IAM-003", bad: policy("Describe", "{Effect: Allow, Action: [ec2:TerminateInstances], Resource: '*'}"), flagged: ["Describe"],
                  good: policy("Scoped", "{Effect: Allow, Action: [ec2:TerminateInstances], Resource: 'arn:aws:ec2:*:*:instance/i-1'}")),
        CheckCase("FB-IAM-004", bad: role("Not", "{Effect: Allow, NotAction: 'iam:*', Resource: '*'}"), flagged: ["Not"],
                  good: role("DenyNot", "{Effect: Deny, NotAction: 'iam:*', Resource: '*'}")),
        CheckCase("FB-IAM-005", bad: policy("NotRes", "{Effect: Allow, Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*'}"), flagged: ["NotRes"],
                  good: policy("Res", "{Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}")),
        CheckCase("FB-IAM-006", bad: """
            Anyone: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: '*'}, Action: sts:AssumeRole}]}}}
            Star: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {Statement: {Effect: Allow, Principal: '*', Action: sts:AssumeRole}}}}
            """, flagged: ["Anyone", "Star"], good: """
            Org: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: '*'}, Action: sts:AssumeRole, Condition: {StringEquals: {aws:PrincipalOrgID: o-1}}}]}}}
            Svc: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: [lambda.amazonaws.com]}, Action: sts:AssumeRole}]}}}
            """),
        CheckCase("FB-IAM-007", bad: """
            QP: {Type: AWS::SQS::QueuePolicy, Properties: {Queues: [q], PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 'sqs:SendMessage', Resource: '*'}]}}}
            TP: {Type: AWS::SNS::TopicPolicy, Properties: {Topics: [t], PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: '*'}, Action: 'sns:Publish', Resource: '*'}]}}}
            """, flagged: ["QP", "TP"], good: """
            QP: {Type: AWS::SQS::QueuePolicy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 'sqs:SendMessage', Resource: '*', Condition: {ArnEquals: {aws:SourceArn: 'arn:aws:sns:eu-west-1:1:t'}}}]}}}
            TP: {Type: AWS::SNS::TopicPolicy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: events.amazonaws.com}, Action: 'sns:Publish', Resource: '*'}]}}}
            """),
        CheckCase("FB-IAM-008", bad: """
            Alice: {Type: AWS::IAM::User, Properties: {Policies: [{PolicyName: p, PolicyDocument: {Statement: []}}]}}
            ForUsers: {Type: AWS::IAM::Policy, Properties: {Users: [bob], PolicyDocument: {Statement: []}}}
            """, flagged: ["Alice", "ForUsers"], good: """
            Bob: {Type: AWS::IAM::User, Properties: {Groups: [devs]}}
            ForRoles: {Type: AWS::IAM::Policy, Properties: {Roles: [r], PolicyDocument: {Statement: []}}}
            """),
        CheckCase("FB-IAM-009", bad: """
            AdminRole: {Type: AWS::IAM::Role, Properties: {ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess']}}
            """, flagged: ["AdminRole"], good: """
            ReadRole: {Type: AWS::IAM::Role, Properties: {ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess']}}
            """),
        CheckCase("FB-IAM-010", bad: role("Passer", "{Effect: Allow, Action: ['iam:PassRole'], Resource: '*'}"), flagged: ["Passer"],
                  good: role("Passer", "{Effect: Allow, Action: ['iam:PassRole'], Resource: 'arn:aws:iam::1:role/app'}")),
        CheckCase("FB-IAM-011", bad: """
            Invoke: {Type: AWS::Lambda::Permission, Properties: {Action: lambda:InvokeFunction, FunctionName: f, Principal: '*'}}
            """, flagged: ["Invoke"], good: """
            Invoke: {Type: AWS::Lambda::Permission, Properties: {Action: lambda:InvokeFunction, FunctionName: f, Principal: s3.amazonaws.com, SourceAccount: '123456789012'}}
            """),
    ] + adminSemantics

    static func document(_ statement: String) -> String { "{PolicyName: p, PolicyDocument: {Version: 2012-10-17, Statement: \(statement)}}" }

    /// Allow "*" on "*" is an admin policy in every permission document, as a statement list or a single statement object.
    static let adminSemantics: [CheckCase] = [
        CheckCase("FB-IAM-001", bad: """
            RoleObject: {Type: AWS::IAM::Role, Properties: {Policies: [\(document("{Effect: Allow, Action: '*', Resource: '*'}"))]}}
            UserList: {Type: AWS::IAM::User, Properties: {Policies: [\(document("[{Effect: Allow, Action: ['*'], Resource: ['*']}]"))]}}
            UserObject: {Type: AWS::IAM::User, Properties: {Policies: [\(document("{Effect: Allow, Action: '*', Resource: '*'}"))]}}
            GroupList: {Type: AWS::IAM::Group, Properties: {Policies: [\(document("[{Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}, {Effect: Allow, Action: '*', Resource: '*'}]"))]}}
            GroupObject: {Type: AWS::IAM::Group, Properties: {Policies: [\(document("{Effect: Allow, Action: '*', Resource: '*'}"))]}}
            PolicyList: {Type: AWS::IAM::Policy, Properties: {PolicyName: p, Groups: [g], PolicyDocument: {Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}}}
            ManagedObject: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Statement: {Effect: Allow, Action: ['*'], Resource: '*'}}}}
            """, flagged: ["RoleObject", "UserList", "UserObject", "GroupList", "GroupObject", "PolicyList", "ManagedObject"], good: """
            RoleObject: {Type: AWS::IAM::Role, Properties: {Policies: [\(document("{Effect: Allow, Action: '*', Resource: 'arn:aws:s3:::b/*'}"))]}}
            UserObject: {Type: AWS::IAM::User, Properties: {Policies: [\(document("{Effect: Deny, Action: '*', Resource: '*'}"))]}}
            GroupList: {Type: AWS::IAM::Group, Properties: {Policies: [\(document("[{Effect: Allow, Action: 's3:*', Resource: '*'}]"))]}}
            PolicyObject: {Type: AWS::IAM::Policy, Properties: {PolicyName: p, Roles: [r], PolicyDocument: {Statement: {Effect: Allow, Action: 'ec2:Describe*', Resource: '*'}}}}
            ManagedList: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Action: '*', Resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/t'}]}}}
            """),
    ]
}
