enum LoggingCheckCases {
    static let all: [CheckCase] = [
        CheckCase("FB-LOG-001", bad: "Trail: {Type: AWS::CloudTrail::Trail, Properties: {IsLogging: true}}", flagged: ["Trail"],
                  good: "Trail: {Type: AWS::CloudTrail::Trail, Properties: {EnableLogFileValidation: true}}"),
        CheckCase("FB-LOG-002", bad: "Trail: {Type: AWS::CloudTrail::Trail, Properties: {IsMultiRegionTrail: false}}", flagged: ["Trail"],
                  good: "Trail: {Type: AWS::CloudTrail::Trail, Properties: {IsMultiRegionTrail: true}}"),
        CheckCase("FB-LOG-003", bad: "Trail: {Type: AWS::CloudTrail::Trail, Properties: {IsLogging: true}}", flagged: ["Trail"],
                  good: "Trail: {Type: AWS::CloudTrail::Trail, Properties: {KMSKeyId: {Ref: Key}}}"),
        CheckCase("FB-LOG-004", bad: """
            Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
            Other: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.1.0.0/16}}
            Flow: {Type: AWS::EC2::FlowLog, Properties: {ResourceType: VPC, ResourceId: {Ref: Other}, TrafficType: ALL}}
            """, flagged: ["Vpc"], good: """
            Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
            Flow: {Type: AWS::EC2::FlowLog, Properties: {ResourceType: VPC, ResourceId: {"Fn::GetAtt": [Vpc, VpcId]}, TrafficType: ALL}}
            """),
        CheckCase("FB-LOG-005", bad: """
            Alb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {LoadBalancerAttributes: [{Key: access_logs.s3.enabled, Value: 'false'}]}}
            Bare: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Subnets: [a, b]}}
            """, flagged: ["Alb", "Bare"], good: """
            Alb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {LoadBalancerAttributes: [{Key: access_logs.s3.enabled, Value: 'true'}, {Key: access_logs.s3.bucket, Value: logs}]}}
            """),
        CheckCase("FB-LOG-006", bad: "Elb: {Type: AWS::ElasticLoadBalancing::LoadBalancer, Properties: {Listeners: []}}", flagged: ["Elb"],
                  good: "Elb: {Type: AWS::ElasticLoadBalancing::LoadBalancer, Properties: {AccessLoggingPolicy: {Enabled: true, S3BucketName: logs}}}"),
        CheckCase("FB-LOG-007", bad: "Data: {Type: AWS::S3::Bucket}", flagged: ["Data"], good: """
            Data: {Type: AWS::S3::Bucket, Properties: {LoggingConfiguration: {DestinationBucketName: {Ref: Logs}}}}
            Logs: {Type: AWS::S3::Bucket, Properties: {AccessControl: LogDeliveryWrite}}
            """),
        // A log target without ACLs (delivery granted by its bucket policy) is a log target too; a bucket that is
        // merely referred to elsewhere is not.
        CheckCase("FB-LOG-007", bad: """
            Logs: {Type: AWS::S3::Bucket, Properties: {OwnershipControls: {Rules: [{ObjectOwnership: BucketOwnerEnforced}]}}}
            Data: {Type: AWS::S3::Bucket, Properties: {Tags: [{Key: DestinationBucketName, Value: {Ref: Logs}}]}}
            """, flagged: ["Logs", "Data"], good: """
            Data: {Type: AWS::S3::Bucket, Properties: {LoggingConfiguration: {DestinationBucketName: {Ref: Logs}}}}
            Logs: {Type: AWS::S3::Bucket, Properties: {OwnershipControls: {Rules: [{ObjectOwnership: BucketOwnerEnforced}]}}}
            """),
        CheckCase("FB-LOG-008", bad: "Cdn: {Type: AWS::CloudFront::Distribution, Properties: {DistributionConfig: {Enabled: true}}}", flagged: ["Cdn"],
                  good: "Cdn: {Type: AWS::CloudFront::Distribution, Properties: {DistributionConfig: {Enabled: true, Logging: {Bucket: logs.s3.amazonaws.com}}}}"),
        CheckCase("FB-LOG-009", bad: """
            Stage: {Type: AWS::ApiGateway::Stage, Properties: {StageName: prod}}
            V2: {Type: AWS::ApiGatewayV2::Stage, Properties: {StageName: prod}}
            """, flagged: ["Stage", "V2"], good: """
            Stage: {Type: AWS::ApiGateway::Stage, Properties: {AccessLogSetting: {DestinationArn: {"Fn::GetAtt": [Logs, Arn]}}}}
            V2: {Type: AWS::ApiGatewayV2::Stage, Properties: {AccessLogSettings: {DestinationArn: arn:aws:logs:eu-west-1:1:log-group:x}}}
            """),
        // SAM: explicit APIs (AccessLogSetting for Api, AccessLogSettings for HttpApi); a destination given by an
        // intrinsic counts.
        CheckCase("FB-LOG-009", bad: """
            RestApi: {Type: AWS::Serverless::Api, Properties: {StageName: prod}}
            HttpApi: {Type: AWS::Serverless::HttpApi, Properties: {StageName: prod, AccessLogSetting: {DestinationArn: arn:aws:logs:eu-west-1:1:log-group:x}}}
            NoArn: {Type: AWS::Serverless::Api, Properties: {StageName: prod, AccessLogSetting: {Format: $context.requestId}}}
            """, flagged: ["RestApi", "HttpApi", "NoArn"], good: """
            RestApi: {Type: AWS::Serverless::Api, Properties: {StageName: prod, AccessLogSetting: {DestinationArn: {"Fn::GetAtt": [Logs, Arn]}, Format: $context.requestId}}}
            HttpApi: {Type: AWS::Serverless::HttpApi, Properties: {AccessLogSettings: {DestinationArn: {Ref: LogGroupArn}}}}
            """),
        // SAM's implicit APIs: reported once, on the first function that creates them; events that name an
        // explicit API leave that API to its own result.
        CheckCase("FB-LOG-009", bad: """
            GetFn: {Type: AWS::Serverless::Function, Properties: {Handler: get.handler, Runtime: python3.12, Events: {Get: {Type: Api, Properties: {Path: /items, Method: get}}}}}
            PutFn: {Type: AWS::Serverless::Function, Properties: {Handler: put.handler, Runtime: python3.12, Events: {Put: {Type: Api, Properties: {Path: /items, Method: put}}}}}
            Queue: {Type: AWS::Serverless::Function, Properties: {Handler: q.handler, Runtime: python3.12, Events: {Q: {Type: SQS, Properties: {Queue: arn}}}}}
            HttpFn: {Type: AWS::Serverless::Function, Properties: {Handler: h.handler, Runtime: python3.12, Events: {Any: {Type: HttpApi}}}}
            """, flagged: ["GetFn", "HttpFn"], good: """
            Api: {Type: AWS::Serverless::Api, Properties: {StageName: prod, AccessLogSetting: {DestinationArn: {"Fn::GetAtt": [Logs, Arn]}}}}
            GetFn: {Type: AWS::Serverless::Function, Properties: {Handler: get.handler, Runtime: python3.12, Events: {Get: {Type: Api, Properties: {RestApiId: {Ref: Api}, Path: /items, Method: get}}}}}
            Http: {Type: AWS::Serverless::HttpApi, Properties: {AccessLogSettings: {DestinationArn: {"Fn::GetAtt": [Logs, Arn]}}}}
            HttpFn: {Type: AWS::Serverless::Function, Properties: {Handler: h.handler, Runtime: python3.12, Events: {Any: {Type: HttpApi, Properties: {ApiId: {Ref: Http}}}}}}
            """),
        CheckCase("FB-LOG-010", bad: "Logs: {Type: AWS::Logs::LogGroup}", flagged: ["Logs"],
                  good: "Logs: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: 365}}"),
    ]
}
