import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakAWS

/// STS and the role credential providers against moto with signature and IAM checking on.
///
/// What moto does (5.2.1): AssumeRole of a role in another account works without the role existing and gives keys
/// that moto files under that account (GetCallerIdentity and EC2 see it). To do anything else with those keys under
/// IAM checking, the role must exist in that account with a policy: it is created there with IAM calls signed by
/// the assumed keys while checking is off (moto picks the account from the access key). moto checks neither the
/// trust policy nor the external id across accounts. An unsigned AssumeRoleWithWebIdentity makes moto fail
/// (HTTP 500, it reads the missing Authorization header) while checking is on, so that test runs with it off.
@Suite(.serialized, .motoServer)
struct STSMotoTests {
    let moto: MotoServer

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
    }

    var sts: STSClient { STSClient(client: moto.client(signingName: "sts")) }

    func sts(_ credentials: AWSCredentials) -> STSClient {
        STSClient(client: moto.client(signingName: "sts", credentials: credentials))
    }

    /// Creates `name` with an allow-everything policy in the account the keys belong to.
    func createRole(_ name: String, signedWith credentials: AWSCredentials) throws {
        try moto.createRole(name, signedWith: credentials)
    }

    var stsEnvironment: [String: String] {
        ["AWS_ENDPOINT_URL_STS": moto.endpoint.absoluteString, "AWS_REGION": moto.region, "AWS_EC2_METADATA_DISABLED": "true",
         "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials"]
    }

    @Test func callerIdentityOfTheServiceItself() throws {
        let identity = try sts.getCallerIdentity()
        #expect(identity.account == "123456789012")
        #expect(identity.arn == "arn:aws:iam::123456789012:user/firebreak")
        #expect(!identity.userID.isEmpty)
    }

    @Test func assumeRoleWithExternalIdActsInTheMemberAccount() throws {
        let start = moto.transport.count
        let role = try sts.assumeRole(roleArn: "arn:aws:iam::111111111111:role/FirebreakResponder", sessionName: "firebreak-test",
                                      externalID: "firebreak-ext-1", durationSeconds: 900)
        #expect(moto.transport.bodies(since: start).first?.contains("ExternalId=firebreak-ext-1") == true)
        #expect(role.assumedRoleArn == "arn:aws:sts::111111111111:assumed-role/FirebreakResponder/firebreak-test")
        #expect(role.accountID == "111111111111")
        let expiration = try #require(role.credentials.expiration)
        #expect(abs(expiration.timeIntervalSinceNow - 900) < 120)
        #expect(role.credentials.accessKeyID != moto.credentials.accessKeyID && role.credentials.sessionToken != nil)

        let member = try sts(role.credentials).getCallerIdentity()
        #expect(member.account == "111111111111" && member.arn == role.assumedRoleArn)

        try createRole("FirebreakResponder", signedWith: role.credentials)
        let memberEC2 = EC2Client(client: moto.client(signingName: "ec2", credentials: role.credentials))
        let memberGroups = try memberEC2.describeSecurityGroups()
        #expect(!memberGroups.isEmpty && memberGroups.allSatisfy { $0.ownerId == "111111111111" })
        #expect(try moto.ec2.describeSecurityGroups().allSatisfy { $0.ownerId == "123456789012" })
    }

    @Test func accountCredentialsAssumeOncePerAccount() throws {
        let accounts = try AccountCredentials(roleArnPattern: "arn:aws:iam::{account_id}:role/FirebreakResponder",
                                              externalID: "firebreak-ext-1", sts: sts)
        let start = moto.transport.count
        let first = try accounts.provider(forAccount: "111111111111").credentials()
        let second = try accounts.provider(forAccount: "222222222222").credentials()
        #expect(first.accessKeyID != second.accessKeyID)
        for _ in 0..<5 {
            #expect(try accounts.provider(forAccount: "111111111111").credentials() == first)
            #expect(try accounts.provider(forAccount: "222222222222").credentials() == second)
        }
        let assumeCalls = moto.transport.bodies(since: start).filter { $0.hasPrefix("Action=AssumeRole&") }
        #expect(assumeCalls.count == 2)
        #expect(try sts(first).getCallerIdentity().account == "111111111111")
        #expect(try sts(second).getCallerIdentity().account == "222222222222")
        #expect(throws: AWSError.self) { try accounts.provider(forAccount: "1111") }
    }

    @Test func webIdentityThroughTheStandardChain() throws {
        let directory = try TemporaryDirectory()
        let tokenFile = try directory.write("token", "eyJhbGciOiJSUzI1NiJ9.eks-service-account-token\n")
        let environment = stsEnvironment.merging([
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::333333333333:role/EKSPod",
            "AWS_ROLE_SESSION_NAME": "pod-1"]) { $1 }
        let chain = CredentialChain.standard(environment: environment, transport: moto.transport)
        let credentials = try moto.withoutAuthentication { try chain.credentials() }
        #expect(chain.chosenIndex == 2)
        #expect(credentials.expiration != nil && credentials.sessionToken != nil)
        let identity = try sts(credentials).getCallerIdentity()
        #expect(identity.account == "333333333333")
        #expect(identity.arn == "arn:aws:sts::333333333333:assumed-role/EKSPod/pod-1")

        try FileManager.default.removeItem(atPath: tokenFile)
        let missing = #expect(throws: AWSError.self) {
            try WebIdentityCredentialProvider(environment: environment, transport: moto.transport).credentials()
        }
        #expect(missing?.kind == .credentials && missing?.message.contains("does not exist") == true)
    }

    @Test func profileWithRoleArnAndSourceProfile() throws {
        let directory = try TemporaryDirectory()
        let keys = moto.credentials
        let credentialsFile = try directory.write("credentials", """
            [base]
            aws_access_key_id = \(keys.accessKeyID)
            aws_secret_access_key = \(keys.secretAccessKey)
            """)
        let configFile = try directory.write("config", """
            [profile member]
            role_arn = arn:aws:iam::444444444444:role/Member
            source_profile = base
            external_id = firebreak-ext-1
            role_session_name = profile-session
            [profile chained]
            role_arn = arn:aws:iam::555555555555:role/Chained
            source_profile = member
            [profile loop]
            role_arn = arn:aws:iam::444444444444:role/Member
            source_profile = loop2
            [profile loop2]
            role_arn = arn:aws:iam::444444444444:role/Member
            source_profile = loop
            """)
        let environment = stsEnvironment.merging(["AWS_CONFIG_FILE": configFile, "AWS_SHARED_CREDENTIALS_FILE": credentialsFile,
                                                  "AWS_PROFILE": "member"]) { $1 }
        let member = try ProfileCredentialProvider(environment: environment, transport: moto.transport).credentials()
        let identity = try sts(member).getCallerIdentity()
        #expect(identity.account == "444444444444")
        #expect(identity.arn == "arn:aws:sts::444444444444:assumed-role/Member/profile-session")

        // Chained: the Member role (which now exists in 444444444444) assumes a role in 555555555555.
        try createRole("Member", signedWith: member)
        let chained = try ProfileCredentialProvider(environment: environment, profile: "chained", transport: moto.transport).credentials()
        #expect(try sts(chained).getCallerIdentity().account == "555555555555")

        let loop = #expect(throws: AWSError.self) {
            try ProfileCredentialProvider(environment: environment, profile: "loop", transport: moto.transport).credentials()
        }
        #expect(loop?.message.contains("loop → loop2 → loop is a cycle") == true)
    }
}
