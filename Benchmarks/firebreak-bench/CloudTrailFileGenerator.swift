import FirebreakLogs
import Foundation

/// Builds CloudTrail log files as a trail writes them to S3: gzip'd `{"Records":[...]}` objects, each record one of
/// the shapes the CloudTrail User Guide shows (management and data events; assumed roles, IAM users, Identity Center
/// sessions, AWS services and root; read and write calls, errors, `resources`, `tlsDetails`,
/// `additionalEventData`), with varied values. About one record in `anomalyEvery` is a call the rules look for.
struct CloudTrailFileGenerator {
    private var state: UInt64
    private var eventCounter = 0
    let anomalyEvery: Int

    init(seed: UInt64, anomalyEvery: Int = 100) {
        state = seed
        self.anomalyEvery = anomalyEvery
    }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    private mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
    private mutating func hex(_ digits: Int) -> String {
        var out = ""
        while out.count < digits { out += String(next(), radix: 16) }
        return String(out.prefix(digits))
    }

    private mutating func upper(_ count: Int) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return String((0..<count).map { _ in letters[below(letters.count)] })
    }

    private mutating func uuid() -> String { "\(hex(8))-\(hex(4))-4\(hex(3))-8\(hex(3))-\(hex(12))" }

    static let account = "123456789012"
    static let regions = ["us-east-1", "us-east-1", "us-east-1", "us-west-2", "eu-west-1"]
    static let roles = ["Deploy", "ci-runner", "AppServerRole", "lambda-orders-exec", "EKSNodeRole", "DataPipeline"]
    static let users = ["alice", "bob", "carol", "svc-backup", "terraform"]
    static let buckets = ["orders-archive-prod", "app-assets-123456789012", "cloudtrail-logs-123456789012", "data-lake-raw"]
    static let agents = [
        "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.amzn.2023 prompt/off command/ec2.describe-instances",
        "aws-sdk-java/2.25.11 Linux/5.10.213 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
        "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69",
        "aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.152.0",
        "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.671 Linux/5.10.213 OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 vendor/Oracle_Corporation cfg/retry-mode/standard]",
        "Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.51.6 (go1.22.1; linux; amd64)",
    ]

    /// One file of `records` records, starting at `startSeconds` (events a few seconds apart), gzip'd.
    mutating func file(records: Int, startSeconds: Int) -> [UInt8] {
        var text = "{\"Records\":["
        text.reserveCapacity(records * 1400)
        for i in 0..<records {
            if i > 0 { text += "," }
            text += record(atSeconds: startSeconds + i * 300 / max(records, 1))
        }
        text += "]}"
        return Gzip.compress(Array(text.utf8))
    }

    private func time(_ seconds: Int) -> String {
        let days = seconds / 86_400, rest = seconds % 86_400
        // 2026-01-01 plus up to 28 days.
        return String(format: "2026-01-%02dT%02d:%02d:%02dZ", 1 + days % 28, rest / 3600, rest / 60 % 60, rest % 60)
    }

    // MARK: Identities

    private mutating func assumedRole(_ role: String? = nil, invokedBy: String? = nil) -> String {
        let role = role ?? pick(Self.roles)
        let roleID = "AROA" + upper(17)
        let session = pick(["i-0\(hex(16))", "botocore-session-\(100_000 + below(900_000))", "gh-actions-\(below(10_000))", "\(role)-session"])
        var out = "{\"type\":\"AssumedRole\",\"principalId\":\"\(roleID):\(session)\",\"arn\":\"arn:aws:sts::\(Self.account):assumed-role/\(role)/\(session)\",\"accountId\":\"\(Self.account)\",\"accessKeyId\":\"ASIA\(upper(16))\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"\(roleID)\",\"arn\":\"arn:aws:iam::\(Self.account):role/\(role)\",\"accountId\":\"\(Self.account)\",\"userName\":\"\(role)\"},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"2026-01-01T0\(below(10)):\(10 + below(50)):\(10 + below(50))Z\",\"mfaAuthenticated\":\"false\"}}"
        if let invokedBy { out += ",\"invokedBy\":\"\(invokedBy)\"" }
        return out + "}"
    }

    private mutating func ssoUser() -> String {
        let set = pick(["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"])
        let role = "AWSReservedSSO_\(set)_\(hex(16))"
        let user = pick(Self.users) + "@example.com"
        return "{\"type\":\"AssumedRole\",\"principalId\":\"AROA\(upper(17)):\(user)\",\"arn\":\"arn:aws:sts::\(Self.account):assumed-role/\(role)/\(user)\",\"accountId\":\"\(Self.account)\",\"accessKeyId\":\"ASIA\(upper(16))\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"AROA\(upper(17))\",\"arn\":\"arn:aws:iam::\(Self.account):role/aws-reserved/sso.amazonaws.com/\(role)\",\"accountId\":\"\(Self.account)\",\"userName\":\"\(role)\"},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"2026-01-01T08:\(10 + below(50)):00Z\",\"mfaAuthenticated\":\"false\"}}}"
    }

    private mutating func iamUser(_ name: String? = nil, console: Bool = false) -> String {
        let name = name ?? pick(Self.users)
        let key = console ? "" : "AKIA\(upper(16))"
        return "{\"type\":\"IAMUser\",\"principalId\":\"AIDA\(upper(17))\",\"arn\":\"arn:aws:iam::\(Self.account):user/\(name)\",\"accountId\":\"\(Self.account)\",\"accessKeyId\":\"\(key)\",\"userName\":\"\(name)\"}"
    }

    private func service(_ name: String) -> String {
        "{\"type\":\"AWSService\",\"invokedBy\":\"\(name)\"}"
    }

    private mutating func address() -> String {
        pick(["198.51.100.\(1 + below(254))", "203.0.113.\(1 + below(254))", "10.\(below(4)).\(below(256)).\(1 + below(254))",
              "2001:db8::\(hex(4))"])
    }

    private mutating func tls(_ host: String) -> String {
        "\"tlsDetails\":{\"tlsVersion\":\"TLSv1.\(pick(["2", "3"]))\",\"cipherSuite\":\"\(pick(["ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256"]))\",\"clientProvidedHostHeader\":\"\(host)\"}"
    }

    // MARK: Records

    /// One record: the common members around an event's own.
    private mutating func envelope(identity: String, time seconds: Int, source: String, name: String, region: String,
                                   sourceIP: String, agent: String, error: (String, String)? = nil, request: String,
                                   response: String?, extra: String = "", readOnly: Bool, eventType: String = "AwsApiCall",
                                   management: Bool = true, resources: String? = nil, recipient: String = account,
                                   host: String? = nil) -> String {
        var out = "{\"eventVersion\":\"1.\(pick(["08", "09", "10"]))\",\"userIdentity\":\(identity),\"eventTime\":\"\(time(seconds))\",\"eventSource\":\"\(source)\",\"eventName\":\"\(name)\",\"awsRegion\":\"\(region)\",\"sourceIPAddress\":\"\(sourceIP)\",\"userAgent\":\"\(agent)\""
        if let (code, message) = error { out += ",\"errorCode\":\"\(code)\",\"errorMessage\":\"\(message)\"" }
        out += ",\"requestParameters\":\(request)"
        if let response { out += ",\"responseElements\":\(response)" }
        if !extra.isEmpty { out += "," + extra }
        out += ",\"requestID\":\"\(uuid())\",\"eventID\":\"\(uuid())\",\"readOnly\":\(readOnly)"
        if let resources { out += ",\"resources\":\(resources)" }
        out += ",\"eventType\":\"\(eventType)\",\"managementEvent\":\(management),\"recipientAccountId\":\"\(recipient)\""
        out += ",\"eventCategory\":\"\(management ? "Management" : "Data")\""
        if let host { out += "," + tls(host) }
        return out + "}"
    }

    mutating func record(atSeconds seconds: Int) -> String {
        eventCounter += 1
        if below(anomalyEvery) == 0 { return anomaly(seconds) }
        let region = pick(Self.regions)
        switch below(20) {
        case 0, 1, 2:   // S3 data events (GetObject / PutObject / HeadObject)
            let bucket = pick(Self.buckets)
            let key = "\(pick(["orders", "images", "exports", "AWSLogs/\(Self.account)/CloudTrail"]))/2026/01/\(10 + below(18))/\(hex(12)).\(pick(["json.gz", "png", "parquet", "csv"]))"
            let name = pick(["GetObject", "GetObject", "PutObject", "HeadObject"])
            let host = "\(bucket).s3.\(region).amazonaws.com"
            let extra = "\"additionalEventData\":{\"SignatureVersion\":\"SigV4\",\"CipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"bytesTransferredIn\":\(name == "PutObject" ? below(5_000_000) : 0),\"AuthenticationMethod\":\"AuthHeader\",\"x-amz-id-2\":\"\(hex(40))\",\"bytesTransferredOut\":\(name == "GetObject" ? below(5_000_000) : 0)}"
            let resources = "[{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::\(bucket)/\(key)\"},{\"accountId\":\"\(Self.account)\",\"type\":\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::\(bucket)\"}]"
            return envelope(identity: assumedRole(), time: seconds, source: "s3.amazonaws.com", name: name, region: region,
                            sourceIP: address(), agent: pick(Self.agents), request: "{\"bucketName\":\"\(bucket)\",\"Host\":\"\(host)\",\"key\":\"\(key)\"}",
                            response: name == "PutObject" ? "{\"x-amz-server-side-encryption\":\"aws:kms\",\"x-amz-server-side-encryption-aws-kms-key-id\":\"arn:aws:kms:\(region):\(Self.account):key/\(uuid())\"}" : "null",
                            extra: extra, readOnly: name != "PutObject", management: false, resources: resources, host: host)
        case 3, 4:   // KMS Decrypt / GenerateDataKey called by a service for a role
            let name = pick(["Decrypt", "GenerateDataKey", "Decrypt"])
            let service = pick(["lambda.amazonaws.com", "s3.amazonaws.com", "secretsmanager.amazonaws.com", "ssm.amazonaws.com"])
            let keyARN = "arn:aws:kms:\(region):\(Self.account):key/\(uuid())"
            return envelope(identity: assumedRole(invokedBy: service), time: seconds, source: "kms.amazonaws.com", name: name,
                            region: region, sourceIP: service, agent: service,
                            request: "{\"encryptionContext\":{\"aws:lambda:FunctionArn\":\"arn:aws:lambda:\(region):\(Self.account):function:orders-\(below(20))\"},\"encryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"\(name == "GenerateDataKey" ? ",\"keySpec\":\"AES_256\",\"keyId\":\"\(keyARN)\"" : "")}",
                            response: "null", readOnly: true, resources: "[{\"accountId\":\"\(Self.account)\",\"type\":\"AWS::KMS::Key\",\"ARN\":\"\(keyARN)\"}]")
        case 5, 6:   // STS AssumeRole by a service
            let role = pick(Self.roles)
            let service = pick(["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"])
            return envelope(identity: self.service(service), time: seconds, source: "sts.amazonaws.com", name: "AssumeRole", region: region,
                            sourceIP: service, agent: service,
                            request: "{\"roleArn\":\"arn:aws:iam::\(Self.account):role/\(role)\",\"roleSessionName\":\"\(hex(16))\",\"durationSeconds\":3600}",
                            response: "{\"credentials\":{\"accessKeyId\":\"ASIA\(upper(16))\",\"sessionToken\":\"IQoJb3JpZ2luX2VjE\(hex(40))\",\"expiration\":\"Jan 1, 2026, 11:\(10 + below(50)):00 AM\"},\"assumedRoleUser\":{\"assumedRoleId\":\"AROA\(upper(17)):\(hex(16))\",\"arn\":\"arn:aws:sts::\(Self.account):assumed-role/\(role)/\(hex(16))\"}}",
                            readOnly: true, eventType: "AwsApiCall",
                            resources: "[{\"accountId\":\"\(Self.account)\",\"type\":\"AWS::IAM::Role\",\"ARN\":\"arn:aws:iam::\(Self.account):role/\(role)\"}]",
                            host: "sts.amazonaws.com")
        case 7, 8, 9:   // EC2 Describe*
            let name = pick(["DescribeInstances", "DescribeSecurityGroups", "DescribeVolumes", "DescribeSubnets", "DescribeNetworkInterfaces"])
            let request: String
            switch name {
            case "DescribeInstances":
                request = "{\"instancesSet\":{\"items\":[{\"instanceId\":\"i-0\(hex(16))\"}]},\"filterSet\":{},\"includeAllInstances\":false}"
            case "DescribeSecurityGroups":
                request = "{\"securityGroupSet\":{},\"securityGroupIdSet\":{},\"filterSet\":{\"items\":[{\"name\":\"vpc-id\",\"valueSet\":{\"items\":[{\"value\":\"vpc-0\(hex(16))\"}]}}]}}"
            default:
                request = "{\"filterSet\":{},\"maxResults\":\(pick([100, 500, 1000]))}"
            }
            let identity = below(4) == 0 ? ssoUser() : assumedRole()
            return envelope(identity: identity, time: seconds, source: "ec2.amazonaws.com", name: name, region: region,
                            sourceIP: address(), agent: pick(Self.agents), request: request, response: nil, readOnly: true,
                            host: "ec2.\(region).amazonaws.com")
        case 10:   // EC2 writes: RunInstances, CreateTags
            if below(2) == 0 {
                let instance = "i-0\(hex(16))"
                return envelope(identity: assumedRole("Deploy"), time: seconds, source: "ec2.amazonaws.com", name: "CreateTags", region: region,
                                sourceIP: address(), agent: pick(Self.agents),
                                request: "{\"resourcesSet\":{\"items\":[{\"resourceId\":\"\(instance)\"}]},\"tagSet\":{\"items\":[{\"key\":\"team\",\"value\":\"\(pick(["orders", "payments", "search"]))\"},{\"key\":\"env\",\"value\":\"prod\"}]}}",
                                response: "{\"requestId\":\"\(uuid())\",\"_return\":true}", readOnly: false, host: "ec2.\(region).amazonaws.com")
            }
            let instance = "i-0\(hex(16))"
            let subnet = "subnet-0\(hex(16))"
            let group = "sg-0\(hex(16))"
            let request = "{\"instancesSet\":{\"items\":[{\"imageId\":\"ami-0\(hex(16))\",\"minCount\":1,\"maxCount\":1}]},\"instanceType\":\"\(pick(["t3.micro", "m6i.large", "c7g.xlarge"]))\",\"blockDeviceMapping\":{},\"monitoring\":{\"enabled\":false},\"disableApiTermination\":false,\"disableApiStop\":false,\"clientToken\":\"\(uuid())\",\"networkInterfaceSet\":{\"items\":[{\"deviceIndex\":0,\"subnetId\":\"\(subnet)\",\"groupSet\":{\"items\":[{\"groupId\":\"\(group)\"}]}}]},\"iamInstanceProfile\":{\"name\":\"AppServerProfile\"},\"tagSpecificationSet\":{\"items\":[{\"resourceType\":\"instance\",\"tags\":[{\"key\":\"Name\",\"value\":\"app-\(below(100))\"}]}]}}"
            let response = "{\"requestId\":\"\(uuid())\",\"reservationId\":\"r-0\(hex(16))\",\"ownerId\":\"\(Self.account)\",\"groupSet\":{},\"instancesSet\":{\"items\":[{\"instanceId\":\"\(instance)\",\"imageId\":\"ami-0\(hex(16))\",\"instanceState\":{\"code\":0,\"name\":\"pending\"},\"privateDnsName\":\"ip-10-0-\(below(256))-\(below(256)).ec2.internal\",\"amiLaunchIndex\":0,\"productCodes\":{},\"instanceType\":\"t3.micro\",\"launchTime\":\(1_767_225_600_000 + seconds * 1000),\"placement\":{\"availabilityZone\":\"\(region)a\",\"tenancy\":\"default\"},\"monitoring\":{\"state\":\"disabled\"},\"subnetId\":\"\(subnet)\",\"vpcId\":\"vpc-0\(hex(16))\",\"privateIpAddress\":\"10.0.\(below(256)).\(below(256))\",\"stateReason\":{\"code\":\"pending\",\"message\":\"pending\"},\"architecture\":\"x86_64\",\"rootDeviceType\":\"ebs\",\"rootDeviceName\":\"/dev/xvda\",\"blockDeviceMapping\":{},\"virtualizationType\":\"hvm\",\"hypervisor\":\"xen\",\"groupSet\":{\"items\":[{\"groupId\":\"\(group)\",\"groupName\":\"app\"}]},\"networkInterfaceSet\":{\"items\":[{\"networkInterfaceId\":\"eni-0\(hex(16))\",\"subnetId\":\"\(subnet)\",\"status\":\"in-use\",\"privateIpAddress\":\"10.0.\(below(256)).\(below(256))\",\"sourceDestCheck\":true,\"interfaceType\":\"interface\"}]},\"ebsOptimized\":false,\"enaSupport\":true,\"metadataOptions\":{\"state\":\"pending\",\"httpTokens\":\"required\",\"httpPutResponseHopLimit\":2,\"httpEndpoint\":\"enabled\"}}]}}"
            return envelope(identity: assumedRole("Deploy"), time: seconds, source: "ec2.amazonaws.com", name: "RunInstances", region: region,
                            sourceIP: address(), agent: pick(Self.agents), request: request, response: response, readOnly: false,
                            host: "ec2.\(region).amazonaws.com")
        case 11:   // IAM reads, global (us-east-1)
            let name = pick(["GetRole", "ListRoles", "GetPolicy", "ListAttachedRolePolicies", "GetUser"])
            let request = name == "ListRoles" ? "{\"maxItems\":100}" : name == "GetUser" ? "{\"userName\":\"\(pick(Self.users))\"}"
                : name == "GetPolicy" ? "{\"policyArn\":\"arn:aws:iam::aws:policy/ReadOnlyAccess\"}" : "{\"roleName\":\"\(pick(Self.roles))\"}"
            let denied = below(25) == 0
            return envelope(identity: below(3) == 0 ? iamUser("terraform") : assumedRole(), time: seconds, source: "iam.amazonaws.com",
                            name: name, region: "us-east-1", sourceIP: address(), agent: pick(Self.agents),
                            error: denied ? ("AccessDenied", "User: arn:aws:sts::\(Self.account):assumed-role/ci-runner/x is not authorized to perform: iam:\(name)") : nil,
                            request: request, response: nil, readOnly: true, host: "iam.amazonaws.com")
        case 12:   // Lambda data event
            let function = "arn:aws:lambda:\(region):\(Self.account):function:orders-\(below(20))"
            return envelope(identity: assumedRole("DataPipeline"), time: seconds, source: "lambda.amazonaws.com", name: "Invoke", region: region,
                            sourceIP: address(), agent: pick(Self.agents), request: "{\"functionName\":\"\(function)\",\"invocationType\":\"RequestResponse\"}",
                            response: "null", extra: "\"additionalEventData\":{\"functionVersion\":\"\(function):$LATEST\"}", readOnly: false,
                            management: false, resources: "[{\"accountId\":\"\(Self.account)\",\"type\":\"AWS::Lambda::Function\",\"ARN\":\"\(function)\"}]")
        case 13:   // Secrets Manager / SSM reads
            if below(2) == 0 {
                return envelope(identity: assumedRole("AppServerRole"), time: seconds, source: "secretsmanager.amazonaws.com", name: "GetSecretValue",
                                region: region, sourceIP: address(), agent: pick(Self.agents),
                                request: "{\"secretId\":\"arn:aws:secretsmanager:\(region):\(Self.account):secret:prod/orders/db-\(hex(6))\"}",
                                response: "null", readOnly: true, host: "secretsmanager.\(region).amazonaws.com")
            }
            return envelope(identity: assumedRole("AppServerRole"), time: seconds, source: "ssm.amazonaws.com", name: "GetParameter", region: region,
                            sourceIP: address(), agent: pick(Self.agents),
                            request: "{\"name\":\"/orders/\(pick(["feature-flags", "endpoint", "batch-size"]))\",\"withDecryption\":\(below(2) == 0)}",
                            response: "null", readOnly: true, host: "ssm.\(region).amazonaws.com")
        case 14:   // CloudWatch Logs
            return envelope(identity: assumedRole("lambda-orders-exec"), time: seconds, source: "logs.amazonaws.com", name: "CreateLogStream",
                            region: region, sourceIP: address(), agent: pick(Self.agents),
                            request: "{\"logGroupName\":\"/aws/lambda/orders-\(below(20))\",\"logStreamName\":\"2026/01/01/[$LATEST]\(hex(32))\"}",
                            response: "null", readOnly: false, host: "logs.\(region).amazonaws.com")
        case 15:   // DynamoDB
            let name = pick(["DescribeTable", "ListTables", "DescribeTimeToLive"])
            return envelope(identity: assumedRole("AppServerRole"), time: seconds, source: "dynamodb.amazonaws.com", name: name, region: region,
                            sourceIP: address(), agent: pick(Self.agents),
                            request: name == "ListTables" ? "null" : "{\"tableName\":\"orders-\(pick(["prod", "staging"]))\"}",
                            response: "null", readOnly: true,
                            resources: name == "ListTables" ? nil : "[{\"accountId\":\"\(Self.account)\",\"type\":\"AWS::DynamoDB::Table\",\"ARN\":\"arn:aws:dynamodb:\(region):\(Self.account):table/orders-prod\"}]",
                            host: "dynamodb.\(region).amazonaws.com")
        case 16:   // ECR token and image pulls by nodes
            return envelope(identity: assumedRole("EKSNodeRole"), time: seconds, source: "ecr.amazonaws.com",
                            name: pick(["GetAuthorizationToken", "BatchGetImage", "GetDownloadUrlForLayer"]), region: region,
                            sourceIP: address(), agent: "AmazonEC2ContainerRegistryCredentialHelper",
                            request: "{\"registryIds\":[\"\(Self.account)\"]}", response: "null", readOnly: true,
                            host: "api.ecr.\(region).amazonaws.com")
        case 17:   // Console sign-in with MFA (IAM user) or an Identity Center session's console action
            if below(2) == 0 {
                return envelope(identity: iamUser(console: true), time: seconds, source: "signin.amazonaws.com", name: "ConsoleLogin",
                                region: "us-east-1", sourceIP: address(),
                                agent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15",
                                request: "null", response: "{\"ConsoleLogin\":\"Success\"}",
                                extra: "\"additionalEventData\":{\"LoginTo\":\"https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true\",\"MobileVersion\":\"No\",\"MFAIdentifier\":\"arn:aws:iam::\(Self.account):mfa/\(pick(Self.users))\",\"MFAUsed\":\"Yes\"}",
                                readOnly: false, eventType: "AwsConsoleSignIn", host: "signin.aws.amazon.com")
            }
            return envelope(identity: ssoUser(), time: seconds, source: "cloudwatch.amazonaws.com", name: "DescribeAlarms", region: region,
                            sourceIP: address(), agent: "AWS Internal", request: "{\"maxRecords\":100}", response: nil,
                            extra: "\"sessionCredentialFromConsole\":\"true\"", readOnly: true)
        case 18:   // An AWS service acting for itself
            let name = pick(["AssumeRoleWithWebIdentity", "CreateGrant", "RetireGrant"])
            let source = name == "AssumeRoleWithWebIdentity" ? "sts.amazonaws.com" : "kms.amazonaws.com"
            return envelope(identity: service("autoscaling.amazonaws.com"), time: seconds, source: source, name: name, region: region,
                            sourceIP: "autoscaling.amazonaws.com", agent: "autoscaling.amazonaws.com",
                            request: "{\"keyId\":\"arn:aws:kms:\(region):\(Self.account):key/\(uuid())\",\"granteePrincipal\":\"autoscaling.amazonaws.com\",\"operations\":[\"Decrypt\",\"GenerateDataKeyWithoutPlaintext\"]}",
                            response: "{\"grantId\":\"\(hex(64))\",\"keyId\":\"arn:aws:kms:\(region):\(Self.account):key/\(uuid())\"}",
                            readOnly: false, eventType: "AwsServiceEvent")
        default:   // SQS/SNS/monitoring from applications
            let name = pick(["GetQueueAttributes", "ListQueues", "GetTopicAttributes"])
            let source = name == "GetTopicAttributes" ? "sns.amazonaws.com" : "sqs.amazonaws.com"
            return envelope(identity: assumedRole("AppServerRole"), time: seconds, source: source, name: name, region: region,
                            sourceIP: address(), agent: pick(Self.agents),
                            request: name == "GetTopicAttributes" ? "{\"topicArn\":\"arn:aws:sns:\(region):\(Self.account):orders-events\"}"
                                : "{\"queueUrl\":\"https://sqs.\(region).amazonaws.com/\(Self.account)/orders-\(below(8))\",\"attributeNames\":[\"All\"]}",
                            response: "null", readOnly: true, host: "\(source.prefix(3)).\(region).amazonaws.com")
        }
    }

    /// A call the rules look for.
    private mutating func anomaly(_ seconds: Int) -> String {
        let region = pick(Self.regions)
        switch below(8) {
        case 0:
            let group = "sg-0\(hex(16))"
            return envelope(identity: iamUser(), time: seconds, source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress",
                            region: region, sourceIP: address(), agent: pick(Self.agents),
                            request: "{\"groupId\":\"\(group)\",\"ipPermissions\":{\"items\":[{\"ipProtocol\":\"tcp\",\"fromPort\":22,\"toPort\":22,\"groups\":{},\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]},\"ipv6Ranges\":{},\"prefixListIds\":{}}]}}",
                            response: "{\"requestId\":\"\(uuid())\",\"_return\":true,\"securityGroupRuleSet\":{\"items\":[{\"groupOwnerId\":\"\(Self.account)\",\"groupId\":\"\(group)\",\"securityGroupRuleId\":\"sgr-0\(hex(16))\",\"isEgress\":false,\"ipProtocol\":\"tcp\",\"fromPort\":22,\"toPort\":22,\"cidrIpv4\":\"0.0.0.0/0\"}]}}",
                            readOnly: false, host: "ec2.\(region).amazonaws.com")
        case 1:
            return envelope(identity: assumedRole("ci-runner"), time: seconds, source: "cloudtrail.amazonaws.com", name: pick(["StopLogging", "DeleteTrail"]),
                            region: region, sourceIP: address(), agent: pick(Self.agents),
                            request: "{\"name\":\"arn:aws:cloudtrail:\(region):\(Self.account):trail/management-events\"}", response: "null", readOnly: false)
        case 2:
            let user = pick(Self.users)
            return envelope(identity: iamUser(), time: seconds, source: "iam.amazonaws.com", name: "CreateAccessKey", region: "us-east-1",
                            sourceIP: address(), agent: pick(Self.agents), request: "{\"userName\":\"\(user)\"}",
                            response: "{\"accessKey\":{\"userName\":\"\(user)\",\"accessKeyId\":\"AKIA\(upper(16))\",\"status\":\"Active\",\"createDate\":\"Jan 1, 2026, 10:05:00 AM\"}}",
                            readOnly: false, host: "iam.amazonaws.com")
        case 3:
            return envelope(identity: assumedRole(), time: seconds, source: "guardduty.amazonaws.com", name: "DeleteDetector", region: region,
                            sourceIP: address(), agent: pick(Self.agents), request: "{\"detectorId\":\"\(hex(32))\"}", response: "null", readOnly: false)
        case 4:
            let bucket = pick(Self.buckets)
            return envelope(identity: iamUser(), time: seconds, source: "s3.amazonaws.com", name: "PutBucketPolicy", region: region,
                            sourceIP: address(), agent: pick(Self.agents),
                            request: "{\"bucketName\":\"\(bucket)\",\"bucketPolicy\":{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Public\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::\(bucket)/*\"}]},\"Host\":\"\(bucket).s3.amazonaws.com\",\"policy\":\"\"}",
                            response: "null", readOnly: false,
                            resources: "[{\"accountId\":\"\(Self.account)\",\"type\":\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::\(bucket)\"}]")
        case 5:
            return envelope(identity: "{\"type\":\"Root\",\"principalId\":\"\(Self.account)\",\"arn\":\"arn:aws:iam::\(Self.account):root\",\"accountId\":\"\(Self.account)\",\"accessKeyId\":\"\"}",
                            time: seconds, source: "signin.amazonaws.com", name: "ConsoleLogin", region: "us-east-1", sourceIP: address(),
                            agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0", request: "null",
                            response: "{\"ConsoleLogin\":\"Success\"}",
                            extra: "\"additionalEventData\":{\"LoginTo\":\"https://console.aws.amazon.com/console/home\",\"MobileVersion\":\"No\",\"MFAUsed\":\"No\"}",
                            readOnly: false, eventType: "AwsConsoleSignIn")
        case 6:
            return envelope(identity: assumedRole(), time: seconds, source: "ec2.amazonaws.com", name: "DeleteFlowLogs", region: region,
                            sourceIP: address(), agent: pick(Self.agents),
                            request: "{\"DeleteFlowLogsRequest\":{\"FlowLogId\":{\"tag\":1,\"content\":\"fl-0\(hex(16))\"}}}",
                            response: "{\"DeleteFlowLogsResponse\":{\"xmlns\":\"http://ec2.amazonaws.com/doc/2016-11-15/\",\"requestId\":\"\(uuid())\",\"unsuccessful\":\"\"}}",
                            readOnly: false)
        default:
            return envelope(identity: assumedRole("ci-runner"), time: seconds, source: "ec2.amazonaws.com", name: "ModifySnapshotAttribute",
                            region: region, sourceIP: address(), agent: pick(Self.agents),
                            request: "{\"snapshotId\":\"snap-0\(hex(16))\",\"createVolumePermission\":{\"add\":{\"items\":[{\"userId\":\"210987654321\"}]}},\"attributeType\":\"CREATE_VOLUME_PERMISSION\"}",
                            response: "{\"requestId\":\"\(uuid())\",\"_return\":true}", readOnly: false)
        }
    }
}
