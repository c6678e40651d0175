import Dispatch
import Foundation
import Testing
@testable import FirebreakAWS

/// Assumed-role, per-account, web identity and role-profile credentials against a scripted STS (no network).
@Suite struct STSCredentialProviderTests {
    static let pattern = "arn:aws:iam::{account_id}:role/FirebreakResponder"
    /// Inside the 2019 credentials of `STSWireTests.assumeRoleXML` (they expire at 13:34:41Z).
    static let issued = Date(timeIntervalSince1970: 1_573_304_400)  // 2019-11-09T13:00:00Z

    static func body(_ request: AWSHTTPRequest) -> String { String(decoding: request.body, as: UTF8.self) }
    static func signingKey(_ request: AWSHTTPRequest) -> String? {
        guard let header = request.header("Authorization"), let range = header.range(of: "Credential=") else { return nil }
        return String(header[range.upperBound...].prefix { $0 != "/" })
    }

    // MARK: AssumeRoleCredentialProvider

    @Test func assumeRoleSignsWithTheSourceAndFetchesOnEveryCall() throws {
        let transport = ScriptedTransport([.respond(200, STSWireTests.assumeRoleXML())])
        let sts = STSClient(client: AWSClient(endpoint: URL(string: "http://127.0.0.1:1/")!, region: "us-east-1",
                                              signingName: "sts", credentials: StaticCredentials("AKIDSOURCE"), transport: transport))
        let provider = try AssumeRoleCredentialProvider(roleArn: STSWireTests.roleArn, externalID: "ext-1", sts: sts)
        #expect(try provider.credentials().accessKeyID == "ASIAIOSFODNN7EXAMPLE")
        #expect(try provider.credentials().sessionToken == testSessionToken)
        #expect(transport.sent.count == 2)
        #expect(transport.sent.allSatisfy { Self.signingKey($0) == "AKIDSOURCE" && Self.body($0).contains("ExternalId=ext-1") })
    }

    @Test func assumeRoleFailuresNameTheRoleAndKeepTheCode() throws {
        let transport = ScriptedTransport([.respond(403, STSWireTests.errorXML("AccessDenied", "not authorized to perform: sts:AssumeRole"))])
        let provider = try AssumeRoleCredentialProvider(roleArn: STSWireTests.roleArn, sts: STSWireTests.sts(transport))
        let error = #expect(throws: AWSError.self) { try provider.credentials() }
        #expect(error?.kind == .credentials && error?.code == "AccessDenied" && error?.status == 403)
        #expect(error?.message == "assume role \(STSWireTests.roleArn): not authorized to perform: sts:AssumeRole")
        let invalid = #expect(throws: AWSError.self) {
            try AssumeRoleCredentialProvider(roleArn: "arn:aws:iam::1:role/R", sts: STSWireTests.sts(transport))
        }
        #expect(invalid?.kind == .invalidParameter)
    }

    // MARK: AccountCredentials

    static func accounts(_ transport: ScriptedTransport, maxAccounts: Int = 1000,
                         now: @escaping @Sendable () -> Date = { issued }) throws -> AccountCredentials {
        try AccountCredentials(roleArnPattern: pattern, externalID: "firebreak-ext", sts: STSWireTests.sts(transport),
                               maxAccounts: maxAccounts, now: now)
    }

    @Test func eachAccountHasItsRoleAndIsCachedUntilNearExpiry() throws {
        let transport = ScriptedTransport([.respond(200, STSWireTests.assumeRoleXML())])
        let clock = Locked(Self.issued)
        let accounts = try Self.accounts(transport, now: { clock.withLock { $0 } })
        #expect(try accounts.roleArn(forAccount: "111111111111") == "arn:aws:iam::111111111111:role/FirebreakResponder")
        let first = try accounts.provider(forAccount: "111111111111")
        #expect(transport.sent.isEmpty, "no STS call before credentials are asked for")
        _ = try first.credentials()
        _ = try accounts.provider(forAccount: "111111111111").credentials()
        #expect(try accounts.provider(forAccount: "111111111111") === first)
        _ = try accounts.provider(forAccount: "222222222222").credentials()
        #expect(transport.sent.count == 2)
        #expect(transport.sent.map { Self.body($0) }.map { $0.contains("111111111111") } == [true, false])
        #expect(Self.body(transport.sent[1]).contains("RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FFirebreakResponder"))
        #expect(transport.sent.allSatisfy { Self.body($0).hasSuffix("ExternalId=firebreak-ext") })
        #expect(accounts.cachedAccountCount == 2)
        // Four minutes before expiry (inside the five-minute window): assumed again.
        clock.withLock { $0 = Self.issued.addingTimeInterval(30 * 60 + 41) }
        _ = try first.credentials()
        #expect(transport.sent.count == 3)
    }

    @Test func theCacheIsBoundedAndDropsTheLeastRecentlyUsed() throws {
        let accounts = try Self.accounts(ScriptedTransport([.respond(200, STSWireTests.assumeRoleXML())]), maxAccounts: 2)
        let a = try accounts.provider(forAccount: "111111111111")
        let b = try accounts.provider(forAccount: "222222222222")
        _ = try accounts.provider(forAccount: "111111111111")  // b is now the least recently used
        _ = try accounts.provider(forAccount: "333333333333")
        #expect(accounts.cachedAccountCount == 2)
        #expect(try accounts.provider(forAccount: "111111111111") === a)
        #expect(try accounts.provider(forAccount: "222222222222") !== b)
    }

    @Test func concurrentCallersShareOneProviderPerAccount() throws {
        let transport = ScriptedTransport([.respond(200, STSWireTests.assumeRoleXML())])
        let accounts = try Self.accounts(transport)
        DispatchQueue.concurrentPerform(iterations: 32) { index in
            _ = try? accounts.provider(forAccount: index % 2 == 0 ? "111111111111" : "222222222222").credentials()
        }
        #expect(transport.sent.count == 2)
        #expect(accounts.cachedAccountCount == 2)
    }

    @Test func badAccountIdsAndPatternsAreInvalidParameters() throws {
        let accounts = try Self.accounts(ScriptedTransport([.respond(200, STSWireTests.assumeRoleXML())]))
        for account in ["", "12345678901", "1234567890123", "12345678901a", "../12345678", "１２３４５６７８９０１２"] {
            let error = #expect(throws: AWSError.self) { try accounts.provider(forAccount: account) }
            #expect(error?.kind == .invalidParameter && error?.message.contains("12 digits") == true)
        }
        #expect(accounts.cachedAccountCount == 0)
        let sts = STSWireTests.sts(ScriptedTransport([.respond(200, "")]))
        for pattern in ["arn:aws:iam::123456789012:role/FirebreakResponder", "arn:aws:iam::{account_id}:role/{account_id}",
                        "arn:aws:iam:{account_id}::role/R", "{account_id}"] {
            let error = #expect(throws: AWSError.self) { try AccountCredentials(roleArnPattern: pattern, sts: sts) }
            #expect(error?.kind == .invalidParameter && error?.message.contains("{account_id} as its account") == true)
        }
        let badRole = #expect(throws: AWSError.self) {
            try AccountCredentials(roleArnPattern: "arn:aws:iam::{account_id}:user/R", sts: sts)
        }
        #expect(badRole?.message.contains("role/") == true)
        #expect(throws: AWSError.self) { try AccountCredentials(roleArnPattern: Self.pattern, externalID: "x", sts: sts) }
        #expect(throws: AWSError.self) { try AccountCredentials(roleArnPattern: Self.pattern, sessionName: "a b", sts: sts) }
    }

    // MARK: WebIdentityCredentialProvider

    static func webIdentityEnvironment(_ tokenFile: String?, roleArn: String? = STSWireTests.roleArn) -> [String: String] {
        var environment = ["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1", "AWS_REGION": "eu-west-1",
                           "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
                           "AWS_EC2_METADATA_DISABLED": "true", "AWS_ROLE_SESSION_NAME": "pod-session"]
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile
        environment["AWS_ROLE_ARN"] = roleArn
        return environment
    }

    @Test func webIdentityReadsTheTokenFileOnEveryFetch() throws {
        let directory = try TemporaryDirectory()
        let tokenFile = try directory.write("token", "first-token\n")
        let transport = ScriptedTransport([.respond(200, STSWireTests.webIdentityXML)])
        let provider = WebIdentityCredentialProvider(environment: Self.webIdentityEnvironment(tokenFile), transport: transport)
        #expect(try provider.credentials().accessKeyID == "ASgeIAIOSFODNN7EXAMPLE")
        try directory.write("token", "second-token")
        _ = try provider.credentials()
        #expect(transport.sent.map { Self.body($0).hasSuffix("WebIdentityToken=first-token") } == [true, false])
        #expect(Self.body(transport.sent[1]).contains("WebIdentityToken=second-token"))
        #expect(transport.sent.allSatisfy { $0.header("Authorization") == nil && $0.url.absoluteString == "http://127.0.0.1:1" })
        #expect(Self.body(transport.sent[0]).contains("RoleSessionName=pod-session"))
    }

    @Test func webIdentityErrorsSayWhatIsMissingAndNeverShowTheToken() throws {
        let transport = ScriptedTransport([.respond(400, STSWireTests.errorXML("InvalidIdentityToken", "Couldn't retrieve verification key"))])
        func message(_ environment: [String: String]) -> AWSError? {
            #expect(throws: AWSError.self) {
                try WebIdentityCredentialProvider(environment: environment, transport: transport).credentials()
            }
        }
        #expect(message(Self.webIdentityEnvironment(nil, roleArn: nil))?.message.contains("are not set") == true)
        #expect(message(Self.webIdentityEnvironment("/tmp/t", roleArn: nil))?.message.contains("AWS_ROLE_ARN is not") == true)
        #expect(message(Self.webIdentityEnvironment(nil))?.message.contains("AWS_WEB_IDENTITY_TOKEN_FILE is not") == true)
        let missing = message(Self.webIdentityEnvironment("/nonexistent/token"))
        #expect(missing?.kind == .credentials && missing?.message.contains("/nonexistent/token") == true)
        #expect(missing?.message.contains("does not exist") == true)
        let badRole = message(Self.webIdentityEnvironment("/tmp/t", roleArn: "arn:aws:iam::x:role/R"))
        #expect(badRole?.kind == .credentials && badRole?.message.contains("12 digits") == true)

        let directory = try TemporaryDirectory()
        let secretToken = "eyJhbGciOiJSUzI1NiJ9.secret-token-payload"
        let tokenFile = try directory.write("token", secretToken)
        let rejected = message(Self.webIdentityEnvironment(tokenFile))
        #expect(rejected?.code == "InvalidIdentityToken" && rejected?.kind == .credentials)
        #expect(rejected?.message.contains(STSWireTests.roleArn) == true)
        try directory.write("empty", " \n")
        #expect(message(Self.webIdentityEnvironment(directory.path + "/empty"))?.message.contains("is empty") == true)
        try directory.write("huge", String(repeating: "t", count: WebIdentityCredentialProvider.maxTokenBytes + 1))
        let huge = message(Self.webIdentityEnvironment(directory.path + "/huge"))
        #expect(huge?.message.contains("larger than 20000 bytes") == true)
        for error in [missing, rejected, huge] {
            #expect(error.map { !$0.description.contains(secretToken) && !$0.description.contains("tttttttt") } == true)
        }
        #expect(transport.sent.count == 1, "only the readable token was sent")
    }

    @Test func theStandardChainTriesWebIdentityAfterTheProfile() throws {
        let directory = try TemporaryDirectory()
        let tokenFile = try directory.write("token", "pod-token")
        let transport = ScriptedTransport([.respond(200, STSWireTests.webIdentityXML(expiration: STSWireTests.inAnHour))])
        let chain = CredentialChain.standard(environment: Self.webIdentityEnvironment(tokenFile), transport: transport)
        #expect(try chain.credentials().accessKeyID == "ASgeIAIOSFODNN7EXAMPLE")
        #expect(chain.chosenIndex == 2)
        _ = try chain.credentials()
        #expect(transport.sent.count == 1, "cached by the refreshing wrapper until near expiry")

        // The profile comes first: a profile with keys wins over web identity.
        let credentials = try directory.write("credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n")
        let both = CredentialChain.standard(environment: Self.webIdentityEnvironment(tokenFile)
            .merging(["AWS_SHARED_CREDENTIALS_FILE": credentials]) { $1 }, transport: transport)
        #expect(try both.credentials().accessKeyID == "AKIDPROFILE")
        #expect(both.chosenIndex == 1)
    }

    // MARK: Profiles with role_arn

    /// Profiles in a temporary config and credentials file; STS at a scripted transport.
    struct Profiles {
        let directory: TemporaryDirectory
        let environment: [String: String]

        init(config: String, credentials: String = "", extra: [String: String] = [:]) throws {
            directory = try TemporaryDirectory()
            environment = [
                "AWS_CONFIG_FILE": try directory.write("config", config),
                "AWS_SHARED_CREDENTIALS_FILE": try directory.write("credentials", credentials),
                "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1", "AWS_REGION": "us-east-1",
            ].merging(extra) { $1 }
        }

        func provider(_ profile: String, _ transport: ScriptedTransport) -> ProfileCredentialProvider {
            ProfileCredentialProvider(environment: environment, profile: profile, transport: transport)
        }
    }

    static let baseCredentials = "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = \(testSecret)\n"

    @Test func roleWithSourceProfileAndItsSettings() throws {
        let profiles = try Profiles(config: """
            [profile member]
            role_arn = arn:aws:iam::111111111111:role/Member
            source_profile = base
            external_id = ext-42
            role_session_name = ops-session
            duration_seconds = 1800
            [profile second]
            role_arn = arn:aws:iam::222222222222:role/Second
            source_profile = member
            """, credentials: Self.baseCredentials)
        let transport = ScriptedTransport([.respond(200, STSWireTests.assumeRoleXML(key: "ASIAMEMBER", expiration: STSWireTests.inAnHour))])
        let member = profiles.provider("member", transport)
        #expect(try member.credentials().accessKeyID == "ASIAMEMBER")
        let first = try #require(transport.sent.first)
        #expect(Self.signingKey(first) == "AKIDBASE")
        #expect(Self.body(first) == "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FMember"
                + "&RoleSessionName=ops-session&ExternalId=ext-42&DurationSeconds=1800")
        _ = try member.credentials()
        #expect(transport.sent.count == 1, "cached until near expiry")

        // A chain: second's role is assumed with member's role credentials.
        let transport2 = ScriptedTransport([.respond(200, STSWireTests.assumeRoleXML(key: "ASIAMEMBER")),
                                            .respond(200, STSWireTests.assumeRoleXML(key: "ASIASECOND"))])
        #expect(try profiles.provider("second", transport2).credentials().accessKeyID == "ASIASECOND")
        #expect(transport2.sent.map { Self.signingKey($0) } == ["AKIDBASE", "ASIAMEMBER"])
        #expect(transport2.sent[1].header("X-Amz-Security-Token") == testSessionToken)
        #expect(Self.body(transport2.sent[1]).contains("222222222222%3Arole%2FSecond&RoleSessionName=firebreak"))
    }

    @Test func roleArnWinsForTheProfileAskedForAndStaticKeysForASource() throws {
        let profiles = try Profiles(config: """
            [profile both]
            aws_access_key_id = AKIDBOTH
            aws_secret_access_key = \(testSecret)
            role_arn = arn:aws:iam::111111111111:role/Both
            source_profile = both
            [profile top]
            role_arn = arn:aws:iam::222222222222:role/Top
            source_profile = both
            """)
        let transport = ScriptedTransport([.respond(200, STSWireTests.assumeRoleXML(key: "ASIABOTH"))])
        // Self-reference: the role is assumed with the profile's own keys.
        #expect(try profiles.provider("both", transport).credentials().accessKeyID == "ASIABOTH")
        #expect(transport.sent.map { Self.signingKey($0) } == ["AKIDBOTH"])
        // As a source, its static keys are used, not its role.
        let transport2 = ScriptedTransport([.respond(200, STSWireTests.assumeRoleXML(key: "ASIATOP"))])
        #expect(try profiles.provider("top", transport2).credentials().accessKeyID == "ASIATOP")
        #expect(transport2.sent.map { Self.signingKey($0) } == ["AKIDBOTH"])
    }

    @Test func credentialSourceEnvironment() throws {
        let profiles = try Profiles(config: """
            [profile ops]
            role_arn = arn:aws:iam::111111111111:role/Ops
            credential_source = Environment
            """, extra: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": testSecret])
        let transport = ScriptedTransport([.respond(200, STSWireTests.assumeRoleXML(key: "ASIAOPS"))])
        #expect(try profiles.provider("ops", transport).credentials().accessKeyID == "ASIAOPS")
        #expect(transport.sent.map { Self.signingKey($0) } == ["AKIDENV"])
    }

    @Test func webIdentityTokenFileInAProfile() throws {
        let directory = try TemporaryDirectory()
        let token = try directory.write("token", "profile-token")
        let profiles = try Profiles(config: """
            [profile pod]
            role_arn = arn:aws:iam::111111111111:role/Pod
            web_identity_token_file = \(token)
            """)
        let transport = ScriptedTransport([.respond(200, STSWireTests.webIdentityXML)])
        #expect(try profiles.provider("pod", transport).credentials().accessKeyID == "ASgeIAIOSFODNN7EXAMPLE")
        #expect(transport.sent.first?.header("Authorization") == nil)
        #expect(transport.sent.first.map { Self.body($0).contains("WebIdentityToken=profile-token") } == true)
    }

    @Test func profileErrors() throws {
        let profiles = try Profiles(config: """
            [profile a]
            role_arn = arn:aws:iam::111111111111:role/A
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::111111111111:role/B
            source_profile = a
            [profile self]
            role_arn = arn:aws:iam::111111111111:role/Self
            source_profile = self
            [profile orphan]
            role_arn = arn:aws:iam::111111111111:role/Orphan
            source_profile = nowhere
            [profile twice]
            role_arn = arn:aws:iam::111111111111:role/Twice
            source_profile = base
            credential_source = Environment
            [profile sourceless]
            role_arn = arn:aws:iam::111111111111:role/Sourceless
            [profile weird]
            role_arn = arn:aws:iam::111111111111:role/Weird
            credential_source = Lambda
            [profile mfa]
            role_arn = arn:aws:iam::111111111111:role/Mfa
            source_profile = base
            mfa_serial = arn:aws:iam::123456789012:mfa/user
            [profile badarn]
            role_arn = arn:aws:iam::111:role/Bad
            source_profile = base
            [profile badduration]
            role_arn = arn:aws:iam::111111111111:role/R
            source_profile = base
            duration_seconds = an hour
            [profile shortduration]
            role_arn = arn:aws:iam::111111111111:role/R
            source_profile = base
            duration_seconds = 60
            [profile tokenonly]
            web_identity_token_file = /tmp/token
            [profile l0]
            role_arn = arn:aws:iam::111111111111:role/L
            source_profile = l1
            [profile l1]
            role_arn = arn:aws:iam::111111111111:role/L
            source_profile = l2
            [profile l2]
            role_arn = arn:aws:iam::111111111111:role/L
            source_profile = l3
            [profile l3]
            role_arn = arn:aws:iam::111111111111:role/L
            source_profile = l4
            [profile l4]
            role_arn = arn:aws:iam::111111111111:role/L
            source_profile = l5
            [profile l5]
            role_arn = arn:aws:iam::111111111111:role/L
            source_profile = l6
            [profile l6]
            role_arn = arn:aws:iam::111111111111:role/L
            source_profile = l7
            [profile l7]
            role_arn = arn:aws:iam::111111111111:role/L
            source_profile = l8
            [profile l8]
            role_arn = arn:aws:iam::111111111111:role/L
            source_profile = base
            """, credentials: Self.baseCredentials)
        let transport = ScriptedTransport([.respond(200, STSWireTests.assumeRoleXML())])
        let expectations: [(String, String)] = [
            ("a", "the source_profile chain a → b → a is a cycle"),
            ("self", "source_profile names the profile itself, which has no aws_access_key_id"),
            ("orphan", "source_profile nowhere is in neither"),
            ("twice", "not several"),
            ("sourceless", "role_arn needs source_profile, credential_source or web_identity_token_file"),
            ("weird", "credential_source \"Lambda\" is not Environment, Ec2InstanceMetadata or EcsContainer"),
            ("mfa", "mfa_serial"),
            ("badarn", "role_arn: \"arn:aws:iam::111:role/Bad\" is not an IAM role ARN (the account is not 12 digits)"),
            ("badduration", "duration_seconds \"an hour\" is not a number"),
            ("shortduration", "outside 900 s"),
            ("tokenonly", "web_identity_token_file needs role_arn"),
            ("l0", "is longer than 8 profiles"),
        ]
        for (profile, fragment) in expectations {
            let error = #expect(throws: AWSError.self) { try profiles.provider(profile, transport).credentials() }
            #expect(error?.kind == .credentials, "\(profile)")
            #expect(error?.message.contains(fragment) == true, "\(profile): \(error?.message ?? "")")
            expectNoSecrets(error)
        }
        #expect(transport.sent.isEmpty)
        // l2 → … → l8 → base is eight profiles: allowed.
        #expect(try profiles.provider("l2", transport).credentials().accessKeyID == "ASIAIOSFODNN7EXAMPLE")
    }
}
