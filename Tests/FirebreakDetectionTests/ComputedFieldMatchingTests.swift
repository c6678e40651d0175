import FirebreakLogs
import Testing
@testable import FirebreakDetection

/// Rules reading CloudTrail's computed fields (`firebreak.*`): matched, reported and grouped like record fields, and
/// never invented for other events.
@Suite struct ComputedFieldMatchingTests {
    typealias S = SigmaTestSupport

    static func updateTrust(principal: String, identity: String = #"{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","userName":"alice"}"#,
                            errorCode: String? = nil) -> String {
        let document = #"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\#(principal),\"Action\":\"sts:AssumeRole\"}]}"#
        let error = errorCode.map { #","errorCode":"\#($0)""# } ?? ""
        return #"{"eventVersion":"1.09","userIdentity":\#(identity),"eventTime":"2026-12-05T10:05:00Z","eventSource":"iam.amazonaws.com","eventName":"UpdateAssumeRolePolicy","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.0","requestParameters":{"roleName":"Deploy","policyDocument":"\#(document)"},"responseElements":null\#(error),"eventID":"5a1e1c5e-0000-4000-8000-000000000201","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"123456789012"}"#
    }

    /// A record read from its tape computes its fields from `CloudTrailFacts.members` only (each field from its own
    /// `members(of:)`): for every CloudTrail test event of the pack, a record with just those members has the facts
    /// of the whole record.
    @Test func factsNeedOnlyTheirMembers() throws {
        var records = 0
        for file in RuleTestSuite.files(in: [BuiltInPackTests.rules]) {
            for testCase in try RuleTestSuite.load(file: file).cases {
                for decoded in testCase.events {
                    guard case .cloudTrail(let record) = decoded.event else { continue }
                    let whole = record.record
                    var only = JSONObject()
                    for key in CloudTrailFacts.members { if let value = whole[key] { only.append(key, value) } }
                    #expect(CloudTrailFacts.object(of: .object(only)) == CloudTrailFacts.object(of: whole), "\(file): \(testCase.name)")
                    #expect(TapeRecord(record).factsTree() == .object(only), "\(file): \(testCase.name)")
                    // Each field from the tree of its own members (parameters only for the calls it reads them of).
                    for field in CloudTrailFacts.Field.allCases {
                        #expect(CloudTrailFacts.value(field, of: TapeRecord(record).factsTree(for: field))
                                    == CloudTrailFacts.value(field, of: whole), "\(file): \(testCase.name): \(field)")
                    }
                    records += 1
                }
            }
        }
        #expect(records > 1_000)
    }

    static let rule = S.cloudTrailRule("""
    selection:
        eventSource: iam.amazonaws.com
        eventName: UpdateAssumeRolePolicy
        firebreak.human: 'true'
    grant_external:
        firebreak.external_accounts|exists: true
    grant_everyone:
        firebreak.policy_public: 'true'
    filter_main_failed:
        errorCode|exists: true
    condition: selection and 1 of grant_* and not filter_main_failed
    """)

    @Test func aRuleReadsComputedFields() throws {
        let compiled = try S.compile(Self.rule)
        #expect(compiled.matches(try S.cloudTrail(Self.updateTrust(principal: #"{\"AWS\":\"arn:aws:iam::444455556666:root\"}"#))))
        #expect(compiled.matches(try S.cloudTrail(Self.updateTrust(principal: #"\"*\""#))))
        // The own account, a failed call, and a role session that is not a person: no match.
        #expect(!compiled.matches(try S.cloudTrail(Self.updateTrust(principal: #"{\"AWS\":\"arn:aws:iam::123456789012:root\"}"#))))
        #expect(!compiled.matches(try S.cloudTrail(Self.updateTrust(principal: #"\"*\""#, errorCode: "AccessDenied"))))
        let pipeline = #"{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/Deploy/run-42","accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::123456789012:role/Deploy","accountId":"123456789012","userName":"Deploy"}}}"#
        #expect(!compiled.matches(try S.cloudTrail(Self.updateTrust(principal: #"\"*\""#, identity: pipeline))))
    }

    @Test func valueListsAndFindingsSeeTheComputedValue() throws {
        let rule = S.cloudTrailRule("""
        selection:
            eventName: UpdateAssumeRolePolicy
        filter_deploy:
            firebreak.principal|expand: '%deployment_principals%'
        condition: selection and not filter_deploy
        """)
        let placeholders = StaticPlaceholders(["deployment_principals": .values(["arn:aws:iam::123456789012:role/Deploy*"])])
        let compiled = try S.compile(rule, placeholders: placeholders)
        let pipeline = #"{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/DeployProd/run-42","accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::123456789012:role/DeployProd","accountId":"123456789012","userName":"DeployProd"}}}"#
        #expect(!compiled.matches(try S.cloudTrail(Self.updateTrust(principal: #"\"*\""#, identity: pipeline))))
        let byHand = try S.cloudTrail(Self.updateTrust(principal: #"\"*\""#))
        #expect(compiled.matches(byHand))
        #expect(compiled.matchedFields(byHand)["firebreak.principal"] == [.string("arn:aws:iam::123456789012:user/alice")])
        #expect(byHand.values(at: "firebreak.human") == [.bool(true)])
        #expect(byHand.values(at: "firebreak.nonesuch").isEmpty)
    }

    @Test func otherEventsKeepTheirOwnMembers() throws {
        // A JSON event (not CloudTrail) that happens to hold a `firebreak` member is read as written.
        let json = try JSONParser().parse(#"{"firebreak":{"human":"false"},"eventName":"UpdateAssumeRolePolicy"}"#)
        let event = DetectionEvent(DecodedEvent(event: .json(json), context: LogContext(recordIndex: 0)))
        #expect(event.values(at: "firebreak.human") == [.string("false")])
        let rule = """
        title: test
        id: json-rule
        logsource: {product: firebreak, service: json}
        detection:
            selection: {firebreak.human: 'false'}
            condition: selection
        """
        #expect(try S.compile(rule).matches(event))
    }
}
