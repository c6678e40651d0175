import Foundation
import Testing
@testable import FirebreakAWS

/// STS requests and responses on the wire, through a scripted transport (the AWS documentation's examples).
@Suite struct STSWireTests {
    static let roleArn = "arn:aws:iam::111111111111:role/FirebreakResponder"

    static let getCallerIdentityXML = """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <GetCallerIdentityResult>
          <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
            <UserId>AKIAI44QH8DHBEXAMPLE</UserId>
            <Account>123456789012</Account>
          </GetCallerIdentityResult>
          <ResponseMetadata>
            <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
          </ResponseMetadata>
        </GetCallerIdentityResponse>
        """

    static func assumeRoleXML(key: String = "ASIAIOSFODNN7EXAMPLE", expiration: String = "2019-11-09T13:34:41Z",
                              account: String = "123456789012") -> String {
        """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
        <AssumeRoleResult>
        <SourceIdentity>DevUser123</SourceIdentity>
          <AssumedRoleUser>
            <Arn>arn:aws:sts::\(account):assumed-role/demo/John</Arn>
            <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>
          </AssumedRoleUser>
          <Credentials>
            <AccessKeyId>\(key)</AccessKeyId>
            <SecretAccessKey>\(testSecret)</SecretAccessKey>
            <SessionToken>
             \(testSessionToken)
            </SessionToken>
            <Expiration>\(expiration)</Expiration>
          </Credentials>
          <PackedPolicySize>6</PackedPolicySize>
        </AssumeRoleResult>
        <ResponseMetadata>
          <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
        </ResponseMetadata>
        </AssumeRoleResponse>
        """
    }

    static let webIdentityXML = webIdentityXML()

    static func webIdentityXML(expiration: String = "2014-10-24T23:00:23.123456Z") -> String {
        """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
            <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>
              <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <SessionToken>\(testSessionToken)</SessionToken>
              <SecretAccessKey>\(testSecret)</SecretAccessKey>
              <Expiration>\(expiration)</Expiration>
              <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
            </Credentials>
            <SourceIdentity>SourceIdentityValue</SourceIdentity>
            <Provider>www.amazon.com</Provider>
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata>
            <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
          </ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>
        """
    }

    /// An hour from now, as STS writes it.
    static var inAnHour: String { ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600)) }

    static func errorXML(_ code: String, _ message: String) -> String {
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>\(code)</Code>"
            + "<Message>\(message)</Message></Error><RequestId>req-sts-1</RequestId></ErrorResponse>"
    }

    static func sts(_ transport: ScriptedTransport) -> STSClient {
        STSClient(client: makeClient(transport, service: "sts"))
    }

    @Test func getCallerIdentityIsSignedForSTSAndParsed() throws {
        let transport = ScriptedTransport([.respond(200, Self.getCallerIdentityXML)])
        let identity = try Self.sts(transport).getCallerIdentity()
        #expect(identity == STSCallerIdentity(account: "123456789012", arn: "arn:aws:iam::123456789012:user/Alice",
                                              userID: "AKIAI44QH8DHBEXAMPLE"))
        let request = try #require(transport.sent.first)
        #expect(String(decoding: request.body, as: UTF8.self) == "Action=GetCallerIdentity&Version=2011-06-15")
        #expect(request.header("Authorization")?.contains("/us-east-1/sts/aws4_request") == true)
    }

    @Test func getCallerIdentityWithoutAnAccountIsMalformed() {
        let body = Self.getCallerIdentityXML.replacingOccurrences(of: "<Account>123456789012</Account>", with: "<Account>12</Account>")
        let error = #expect(throws: AWSError.self) { try Self.sts(ScriptedTransport([.respond(200, body)])).getCallerIdentity() }
        #expect(error?.code == "MalformedResponse")
        #expect(error?.requestID == "01234567-89ab-cdef-0123-456789abcdef")
    }

    @Test func assumeRoleBodyAndCredentials() throws {
        let transport = ScriptedTransport([.respond(200, Self.assumeRoleXML())])
        let role = try Self.sts(transport).assumeRole(roleArn: Self.roleArn, sessionName: "firebreak-i-0abc",
                                                      externalID: "ext:tenant/42", durationSeconds: 900)
        let body = String(decoding: try #require(transport.sent.first).body, as: UTF8.self)
        #expect(body == "Action=AssumeRole&Version=2011-06-15"
                + "&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FFirebreakResponder"
                + "&RoleSessionName=firebreak-i-0abc&ExternalId=ext%3Atenant%2F42&DurationSeconds=900")
        #expect(role.credentials.accessKeyID == "ASIAIOSFODNN7EXAMPLE")
        #expect(role.credentials.secretAccessKey == testSecret)
        #expect(role.credentials.sessionToken == testSessionToken)
        #expect(role.credentials.expiration == Date(timeIntervalSince1970: 1_573_306_481))
        #expect(role.assumedRoleArn == "arn:aws:sts::123456789012:assumed-role/demo/John")
        #expect(role.assumedRoleID == "ARO123EXAMPLE123:John")
        #expect(role.accountID == "123456789012")
    }

    @Test func optionalParametersAreLeftOut() throws {
        let transport = ScriptedTransport([.respond(200, Self.assumeRoleXML())])
        _ = try Self.sts(transport).assumeRole(roleArn: Self.roleArn)
        let body = String(decoding: try #require(transport.sent.first).body, as: UTF8.self)
        #expect(body.hasSuffix("RoleSessionName=firebreak"))
        #expect(!body.contains("ExternalId") && !body.contains("DurationSeconds"))
    }

    /// AssumeRole changes no account: it is retried after a 5xx or a broken connection, like a read, and on a
    /// kept-alive connection.
    @Test func assumeRoleIsRetriedLikeARead() throws {
        let broken = AWSError(.transport, message: "connection reset after the request was sent")
        let transport = ScriptedTransport([.respond(500, Self.errorXML("InternalFailure", "oops")), .fail(broken),
                                           .respond(200, Self.assumeRoleXML())])
        _ = try Self.sts(transport).assumeRole(roleArn: Self.roleArn)
        #expect(transport.sent.count == 3)
        #expect(transport.sent.allSatisfy { !$0.freshConnection })
    }

    @Test func stsErrorsAreClassified() {
        let denied = #expect(throws: AWSError.self) {
            try Self.sts(ScriptedTransport([.respond(403, Self.errorXML("AccessDenied", "User is not authorized to perform: sts:AssumeRole"))]))
                .assumeRole(roleArn: Self.roleArn)
        }
        #expect(denied?.kind == .accessDenied && denied?.requestID == "req-sts-1")
        let expired = #expect(throws: AWSError.self) {
            try Self.sts(ScriptedTransport([.respond(400, Self.errorXML("ExpiredTokenException", "The security token included in the request is expired"))]))
                .getCallerIdentity()
        }
        #expect(expired?.kind == .client && expired?.code == "ExpiredTokenException")
        let idp = ScriptedTransport([.respond(400, Self.errorXML("IDPCommunicationError", "try again")), .respond(200, Self.webIdentityXML)])
        #expect(throws: Never.self) {
            try Self.sts(idp).assumeRoleWithWebIdentity(roleArn: Self.roleArn, webIdentityToken: "eyJhbGciOi.token")
        }
        #expect(idp.sent.count == 2)
    }

    @Test func webIdentityIsUnsignedAndParsed() throws {
        let transport = ScriptedTransport([.respond(200, Self.webIdentityXML)])
        let client = AWSClient(endpoint: URL(string: "http://127.0.0.1:1/")!, region: "us-east-1", signingName: "sts",
                               credentials: UnsignedCredentialProvider(), transport: transport)
        let role = try STSClient(client: client).assumeRoleWithWebIdentity(roleArn: Self.roleArn, sessionName: "app1",
                                                                          webIdentityToken: "eyJhbGciOi.token+/=")
        let request = try #require(transport.sent.first)
        #expect(request.header("Authorization") == nil && request.header("X-Amz-Date") == nil)
        #expect(request.header("X-Amz-Security-Token") == nil)
        #expect(String(decoding: request.body, as: UTF8.self) == "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
                + "&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FFirebreakResponder&RoleSessionName=app1"
                + "&WebIdentityToken=eyJhbGciOi.token%2B%2F%3D")
        #expect(role.credentials.accessKeyID == "ASgeIAIOSFODNN7EXAMPLE")
        // Six fractional digits, as moto writes them.
        let expected = try #require(CredentialsDocument.parseDate("2014-10-24T23:00:23Z"))
        #expect(abs(try #require(role.credentials.expiration).timeIntervalSince(expected) - 0.123) < 0.001)
    }

    @Test func responsesWithoutExpirationOrKeysAreMalformedAndShowNoSecret() {
        let noExpiration = Self.assumeRoleXML().replacingOccurrences(of: "<Expiration>2019-11-09T13:34:41Z</Expiration>", with: "")
        let badExpiration = Self.assumeRoleXML(expiration: "tomorrow")
        let noKey = Self.assumeRoleXML(key: "")
        for (body, fragment) in [(noExpiration, "an Expiration"), (badExpiration, "ISO 8601"), (noKey, "AccessKeyId")] {
            let error = #expect(throws: AWSError.self) {
                try Self.sts(ScriptedTransport([.respond(200, body)])).assumeRole(roleArn: Self.roleArn)
            }
            #expect(error?.code == "MalformedResponse")
            #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
            expectNoSecrets(error)
        }
    }

    @Test func inputsAreCheckedBeforeSending() {
        let transport = ScriptedTransport([.respond(200, Self.assumeRoleXML())])
        let sts = Self.sts(transport)
        let badArns = ["", "FirebreakResponder", "arn:aws:iam::1111:role/R", "arn:aws:iam::11111111111a:role/R",
                       "arn:aws:iam:us-east-1:111111111111:role/R", "arn:aws:s3::111111111111:role/R",
                       "arn:aws:iam::111111111111:user/R", "arn:aws:iam::111111111111:role/", "arn:aws:iam::111111111111:role/a b",
                       "arn:AWS:iam::111111111111:role/R", "arn:aws:iam::111111111111:role//R",
                       "arn:aws:iam::111111111111:role/" + String(repeating: "r", count: 65)]
        for arn in badArns {
            let error = #expect(throws: AWSError.self) { try sts.assumeRole(roleArn: arn) }
            #expect(error?.kind == .invalidParameter)
            #expect(error?.message.contains("like arn:aws:iam::123456789012:role/FirebreakResponder") == true)
        }
        for name in ["a", String(repeating: "s", count: 65), "with space", "émile", "a/b"] {
            let error = #expect(throws: AWSError.self) { try sts.assumeRole(roleArn: Self.roleArn, sessionName: name) }
            #expect(error?.kind == .invalidParameter && error?.message.contains("2 to 64") == true)
        }
        for externalID in ["x", String(repeating: "e", count: 1225), "tab\there", "a;b"] {
            let error = #expect(throws: AWSError.self) { try sts.assumeRole(roleArn: Self.roleArn, externalID: externalID) }
            #expect(error?.kind == .invalidParameter && error?.message.contains("2 to 1224") == true)
            if externalID.count > 4 { #expect(error?.message.contains(externalID) == false) }
        }
        for duration in [899, 43_201, 0, -1] {
            let error = #expect(throws: AWSError.self) { try sts.assumeRole(roleArn: Self.roleArn, durationSeconds: duration) }
            #expect(error?.kind == .invalidParameter && error?.message.contains("900") == true)
        }
        for token in ["abc", String(repeating: "t", count: 20_001)] {
            let error = #expect(throws: AWSError.self) {
                try sts.assumeRoleWithWebIdentity(roleArn: Self.roleArn, webIdentityToken: token)
            }
            #expect(error?.kind == .invalidParameter && error?.message.contains(token) == false)
        }
        #expect(transport.sent.isEmpty)
    }

    @Test func roleARNsThatAreAccepted() throws {
        let plain = try IAMRoleARN("arn:aws:iam::111111111111:role/FirebreakResponder")
        #expect(plain.partition == "aws" && plain.accountID == "111111111111" && plain.name == "FirebreakResponder")
        let pathed = try IAMRoleARN("arn:aws-us-gov:iam::222222222222:role/service-role/team/Name+=,.@_-1")
        #expect(pathed.partition == "aws-us-gov" && pathed.name == "Name+=,.@_-1")
        #expect(try IAMRoleARN("arn:aws-cn:iam::333333333333:role/R").description == "arn:aws-cn:iam::333333333333:role/R")
    }

    @Test func endpointAndRegionResolution() throws {
        let nowhere = ["AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials"]
        let global = try STSClient(credentials: StaticCredentials(), transport: ScriptedTransport([.respond(200, "")]),
                                   resolver: EndpointResolver(environment: nowhere))
        #expect(global.client.region == "us-east-1")
        #expect(global.client.endpoint.absoluteString == "https://sts.us-east-1.amazonaws.com")
        #expect(global.client.signingName == "sts")
        let regional = try STSClient(credentials: StaticCredentials(), transport: ScriptedTransport([.respond(200, "")]),
                                     resolver: EndpointResolver(environment: nowhere.merging(
                                        ["AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:4566"]) { $1 }))
        #expect(regional.client.region == "eu-west-1")
        #expect(regional.client.endpoint.absoluteString == "http://127.0.0.1:4566")
        let invalid = #expect(throws: AWSError.self) {
            try STSClient(credentials: StaticCredentials(), transport: ScriptedTransport([.respond(200, "")]),
                          resolver: EndpointResolver(environment: nowhere.merging(["AWS_REGION": "Mars 1"]) { $1 }))
        }
        #expect(invalid?.kind == .invalidParameter)
    }
}
