import Foundation
import Testing
@testable import FirebreakAWS

@Suite struct EndpointResolverTests {
    @Test func defaults() throws {
        let resolver = EndpointResolver(environment: [:])
        let ec2 = try resolver.endpoint(for: .ec2, region: "eu-west-1")
        #expect(ec2.url.absoluteString == "https://ec2.eu-west-1.amazonaws.com")
        #expect(ec2.signingRegion == "eu-west-1")
        #expect(ec2.signingName == "ec2")
        #expect(ec2.source == "default")
        #expect(try resolver.endpoint(for: .sns, region: "us-east-1").url.absoluteString == "https://sns.us-east-1.amazonaws.com")
        #expect(try resolver.endpoint(for: .cloudTrail, region: "ap-southeast-2").url.absoluteString
                == "https://cloudtrail.ap-southeast-2.amazonaws.com")
        #expect(try resolver.endpoint(for: .sts, region: "cn-north-1").url.absoluteString == "https://sts.cn-north-1.amazonaws.com.cn")
        #expect(try resolver.endpoint(for: .cloudTrail, region: "us-east-1").signingName == "cloudtrail")
    }

    @Test func environmentVariableNames() {
        #expect(AWSService.ec2.endpointEnvironmentVariable == "AWS_ENDPOINT_URL_EC2")
        #expect(AWSService.cloudTrail.endpointEnvironmentVariable == "AWS_ENDPOINT_URL_CLOUDTRAIL")
        #expect(AWSService(id: "CloudWatch Logs", endpointPrefix: "logs", signingName: "logs").endpointEnvironmentVariable
                == "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS")
    }

    @Test func overridesInOrder() throws {
        let environment = ["AWS_ENDPOINT_URL_EC2": "http://127.0.0.1:5055", "AWS_ENDPOINT_URL": "http://127.0.0.1:6000/"]
        let resolver = EndpointResolver(environment: environment)
        // Service-specific beats global; the signing name and region stay the real ones.
        let ec2 = try resolver.endpoint(for: .ec2, region: "us-east-1")
        #expect(ec2.url.absoluteString == "http://127.0.0.1:5055")
        #expect(ec2.signingName == "ec2")
        #expect(ec2.signingRegion == "us-east-1")
        #expect(ec2.source == "AWS_ENDPOINT_URL_EC2")
        let sns = try resolver.endpoint(for: .sns, region: "us-east-1")
        #expect(sns.url.absoluteString == "http://127.0.0.1:6000/")
        #expect(sns.signingName == "sns")
        #expect(sns.source == "AWS_ENDPOINT_URL")
        // An explicit override beats the environment.
        let explicit = try resolver.endpoint(for: .ec2, region: "us-east-1", override: URL(string: "https://vpce-1.ec2.us-east-1.vpce.amazonaws.com")!)
        #expect(explicit.url.host() == "vpce-1.ec2.us-east-1.vpce.amazonaws.com")
        #expect(explicit.source == "configured")
    }

    @Test func ignoreConfiguredEndpoints() throws {
        let resolver = EndpointResolver(environment: ["AWS_ENDPOINT_URL_EC2": "http://127.0.0.1:5055",
                                                      "AWS_ENDPOINT_URL": "http://127.0.0.1:6000",
                                                      "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE"])
        #expect(try resolver.endpoint(for: .ec2, region: "us-east-1").url.absoluteString == "https://ec2.us-east-1.amazonaws.com")
        // ... but not an explicit one.
        #expect(try resolver.endpoint(for: .ec2, region: "us-east-1", override: URL(string: "http://127.0.0.1:1")!).source == "configured")
    }

    @Test func invalidValuesAreRefusedWithoutEchoingThem() {
        let resolver = EndpointResolver(environment: ["AWS_ENDPOINT_URL_SNS": "http://user:hunter2@127.0.0.1:1",
                                                      "AWS_ENDPOINT_URL_EC2": "ftp://127.0.0.1"])
        let sns = #expect(throws: AWSError.self) { try resolver.endpoint(for: .sns, region: "us-east-1") }
        #expect(sns?.message.contains("AWS_ENDPOINT_URL_SNS") == true)
        #expect(sns?.message.contains("hunter2") == false)
        #expect(throws: AWSError.self) { try resolver.endpoint(for: .ec2, region: "us-east-1") }
        #expect(throws: AWSError.self) { try resolver.endpoint(for: .cloudTrail, region: "evil.com/x") }
        #expect(throws: AWSError.self) { try resolver.endpoint(for: .cloudTrail, region: "") }
    }

    @Test func regionOrder() throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write("config", """
            [default]
            region = eu-central-1
            [profile prod]
            region = us-west-2 # inline comment
            """)
        var environment = ["AWS_CONFIG_FILE": config, "AWS_DEFAULT_REGION": "eu-west-3", "AWS_REGION": "eu-north-1"]
        #expect(try EndpointResolver(environment: environment).region(explicit: "sa-east-1") == "sa-east-1")
        #expect(try EndpointResolver(environment: environment).region() == "eu-north-1")
        environment["AWS_REGION"] = nil
        #expect(try EndpointResolver(environment: environment).region() == "eu-west-3")
        environment["AWS_DEFAULT_REGION"] = ""
        #expect(try EndpointResolver(environment: environment).region() == "eu-central-1")
        environment["AWS_PROFILE"] = "prod"
        #expect(try EndpointResolver(environment: environment).region() == "us-west-2")
        environment["AWS_PROFILE"] = "missing"
        let error = #expect(throws: AWSError.self) { try EndpointResolver(environment: environment).region() }
        #expect(error?.message.contains("AWS_REGION") == true)
        #expect(error?.message.contains("missing") == true)
    }

    @Test func regionFromHomeDirectoryConfig() throws {
        let home = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: home.path + "/.aws", withIntermediateDirectories: true)
        try home.write(".aws/config", "[default]\nregion=ap-northeast-1\n")
        #expect(try EndpointResolver(environment: ["HOME": home.path]).region() == "ap-northeast-1")
    }
}

@Suite struct AWSProfileFileTests {
    @Test func configFileSections() {
        let file = AWSProfileFile(parsing: """
            # comment
            ; another
            [default]
            region = us-east-1
            output=json

            [profile dev]
            region = eu-west-1
            s3 =
              max_concurrent_requests = 10
            Role_Arn = arn:aws:iam::123456789012:role/x
            [dev]
            region = ignored-in-config-files
            [sso-session corp]
            sso_region = us-east-1
            [profile dev]
            output = text
            """, kind: .config)
        #expect(file.profile("default") == ["region": "us-east-1", "output": "json"])
        #expect(file.profile("dev") == ["region": "eu-west-1", "s3": "", "role_arn": "arn:aws:iam::123456789012:role/x",
                                        "output": "text"])
        #expect(file.profiles.count == 2)
    }

    @Test func credentialsFileSectionsAndComments() {
        let file = AWSProfileFile(parsing: "[default]\r\naws_access_key_id = AKID # note\r\naws_secret_access_key = a#b;c\r\n[ci]\naws_access_key_id=X\n",
                                  kind: .credentials)
        #expect(file.profile("default") == ["aws_access_key_id": "AKID", "aws_secret_access_key": "a#b;c"])
        #expect(file.profile("ci") == ["aws_access_key_id": "X"])
    }

    @Test func paths() {
        let environment = ["HOME": "/home/u"]
        #expect(AWSProfileFile.credentialsPath(environment: environment) == "/home/u/.aws/credentials")
        #expect(AWSProfileFile.configPath(environment: environment) == "/home/u/.aws/config")
        #expect(AWSProfileFile.configPath(environment: ["HOME": "/h", "AWS_CONFIG_FILE": "~/cfg"]) == "/h/cfg")
        #expect(AWSProfileFile.credentialsPath(environment: ["AWS_SHARED_CREDENTIALS_FILE": "/etc/aws/creds"]) == "/etc/aws/creds")
        #expect(AWSProfileFile.profileName(environment: [:]) == "default")
        #expect(AWSProfileFile.profileName(environment: ["AWS_PROFILE": "prod"]) == "prod")
    }

    @Test func missingFileIsEmpty() throws {
        #expect(try AWSProfileFile.load(path: "/nonexistent/firebreak/config", kind: .config).profiles.isEmpty)
    }
}
