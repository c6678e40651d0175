import Testing
@testable import FirebreakLogs

/// The computed CloudTrail fields rules read as `firebreak.*`.
@Suite struct CloudTrailFactsTests {
    static let roleSession = #"{"type":"AssumedRole","principalId":"AROAEXAMPLEID:deploy","arn":"arn:aws:sts::123456789012:assumed-role/Deploy/deploy","accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEID","arn":"arn:aws:iam::123456789012:role/Deploy","accountId":"123456789012","userName":"Deploy"},"attributes":{"creationDate":"2026-12-05T10:00:00Z","mfaAuthenticated":"false"}}}"#
    static let ssoSession = #"{"type":"AssumedRole","principalId":"AROAEXAMPLESSO:alice@example.com","arn":"arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com","accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLESSO","arn":"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef","accountId":"123456789012","userName":"AWSReservedSSO_AdministratorAccess_0123456789abcdef"}}}"#
    static let consoleRole = #"{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/Ops/bob","accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::123456789012:role/Ops","accountId":"123456789012","userName":"Ops"},"attributes":{"mfaAuthenticated":"true"}},"sessionCredentialFromConsole":"true"}"#
    static let user = #"{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","userName":"alice"}"#
    static let service = #"{"type":"AWSService","invokedBy":"lambda.amazonaws.com"}"#

    func record(identity: String, source: String = "iam.amazonaws.com", name: String = "CreateRole",
                parameters: String = "null", sourceIP: String = "198.51.100.23", agent: String = "aws-cli/2.15.0") throws -> JSONValue {
        try JSONParser().parse(#"{"eventVersion":"1.09","userIdentity":\#(identity),"eventTime":"2026-12-05T10:05:00Z","eventSource":"\#(source)","eventName":"\#(name)","awsRegion":"us-east-1","sourceIPAddress":"\#(sourceIP)","userAgent":"\#(agent)","requestParameters":\#(parameters),"responseElements":null,"eventID":"5a1e1c5e-0000-4000-8000-000000000101","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"123456789012"}"#)
    }

    @Test func principalIsTheRoleForSessionsAndTheARNOtherwise() throws {
        #expect(CloudTrailFacts.value(.principal, of: try record(identity: Self.roleSession)) == .string("arn:aws:iam::123456789012:role/Deploy"))
        #expect(CloudTrailFacts.value(.principal, of: try record(identity: Self.user)) == .string("arn:aws:iam::123456789012:user/alice"))
        #expect(CloudTrailFacts.value(.principal, of: try record(identity: Self.service)) == .string("lambda.amazonaws.com"))
        #expect(CloudTrailFacts.value(.principal, of: .object(JSONObject())) == nil)
    }

    @Test func humans() throws {
        #expect(CloudTrailFacts.value(.human, of: try record(identity: Self.user)) == .bool(true))
        #expect(CloudTrailFacts.value(.human, of: try record(identity: Self.ssoSession)) == .bool(true))
        #expect(CloudTrailFacts.value(.human, of: try record(identity: Self.roleSession, agent: "AWS Internal")) == .bool(true))
        // The console flag as CloudTrail writes it: a member of the record, beside userIdentity.
        guard case .object(var flagged) = try record(identity: Self.roleSession) else { Issue.record("not an object"); return }
        flagged.append("sessionCredentialFromConsole", .string("true"))
        #expect(CloudTrailFacts.value(.human, of: .object(flagged)) == .bool(true))
        #expect(CloudTrailFacts.value(.human, of: try record(identity: Self.roleSession)) == .bool(false))
        #expect(CloudTrailFacts.value(.human, of: try record(identity: Self.service)) == .bool(false))
        // A person's call made through CloudFormation (no service role) is CloudFormation's.
        let viaStack = try record(identity: Self.user.replacingOccurrences(of: #""userName":"alice"}"#,
                                                                           with: #""userName":"alice","invokedBy":"cloudformation.amazonaws.com"}"#),
                                  sourceIP: "cloudformation.amazonaws.com", agent: "cloudformation.amazonaws.com")
        #expect(CloudTrailFacts.value(.human, of: viaStack) == .bool(false))
        #expect(CloudTrailFacts.value(.viaCloudFormation, of: viaStack) == .bool(true))
        #expect(CloudTrailFacts.value(.viaCloudFormation, of: try record(identity: Self.user)) == .bool(false))
    }

    @Test func snapshotAndImageShares() throws {
        let share = try record(identity: Self.user, source: "ec2.amazonaws.com", name: "ModifySnapshotAttribute",
                               parameters: #"{"snapshotId":"snap-0123456789abcdef0","createVolumePermission":{"add":{"items":[{"userId":"111122223333"},{"userId":"123456789012"}]}},"attributeType":"CREATE_VOLUME_PERMISSION"}"#)
        #expect(CloudTrailFacts.value(.externalAccounts, of: share) == .array([.string("111122223333")]))
        let publicImage = try record(identity: Self.user, source: "ec2.amazonaws.com", name: "ModifyImageAttribute",
                                     parameters: #"{"imageId":"ami-0abcdef1234567890","launchPermission":{"add":{"items":[{"group":"all"}]}},"attributeType":"launchPermission"}"#)
        #expect(CloudTrailFacts.value(.externalAccounts, of: publicImage) == .array([]))
        let rds = try record(identity: Self.user, source: "rds.amazonaws.com", name: "ModifyDBSnapshotAttribute",
                             parameters: #"{"dBSnapshotIdentifier":"db-snap","attributeName":"restore","valuesToAdd":["444455556666","all"]}"#)
        #expect(CloudTrailFacts.value(.externalAccounts, of: rds) == .array([.string("444455556666")]))
        // Not a sharing call: no field at all.
        #expect(CloudTrailFacts.value(.externalAccounts, of: try record(identity: Self.user, source: "ec2.amazonaws.com", name: "DescribeSnapshots", parameters: "{}")) == nil)
        #expect(CloudTrailFacts.value(.policyPublic, of: share) == nil)
    }

    @Test func trustPolicies() throws {
        let external = #"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"sts:AssumeRole\"}]}"#
        let update = try record(identity: Self.user, name: "UpdateAssumeRolePolicy", parameters: #"{"roleName":"Deploy","policyDocument":"\#(external)"}"#)
        #expect(CloudTrailFacts.value(.externalAccounts, of: update) == .array([.string("444455556666")]))
        #expect(CloudTrailFacts.value(.policyPublic, of: update) == .bool(false))
        let own = external.replacingOccurrences(of: "444455556666", with: "123456789012")
        let create = try record(identity: Self.user, name: "CreateRole", parameters: #"{"roleName":"Deploy","assumeRolePolicyDocument":"\#(own)"}"#)
        #expect(CloudTrailFacts.value(.externalAccounts, of: create) == .array([]))
        let anyone = external.replacingOccurrences(of: #"{\"AWS\":\"arn:aws:iam::444455556666:root\"}"#, with: #"\"*\""#)
        let open = try record(identity: Self.user, name: "UpdateAssumeRolePolicy", parameters: #"{"roleName":"Deploy","policyDocument":"\#(anyone)"}"#)
        #expect(CloudTrailFacts.value(.policyPublic, of: open) == .bool(true))
    }

    @Test func bucketPolicyAsAnObject() throws {
        let parameters = #"{"bucketName":"b","bucketPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]},"policy":[""]}"#
        let put = try record(identity: Self.user, source: "s3.amazonaws.com", name: "PutBucketPolicy", parameters: parameters)
        #expect(CloudTrailFacts.value(.policyPublic, of: put) == .bool(false))
        #expect(CloudTrailFacts.object(of: put)["policy_public"] == .bool(false))
    }

    @Test func lambdaPermissions() throws {
        func add(_ parameters: String) throws -> JSONValue {
            try record(identity: Self.user, source: "lambda.amazonaws.com", name: "AddPermission20150331v2", parameters: parameters)
        }
        let everyone = try add(#"{"functionName":"f","statementId":"s","action":"lambda:InvokeFunction","principal":"*"}"#)
        #expect(CloudTrailFacts.value(.policyPublic, of: everyone) == .bool(true))
        let pinned = try add(#"{"functionName":"f","statementId":"s","action":"lambda:InvokeFunction","principal":"*","principalOrgID":"o-a1b2c3d4e5"}"#)
        #expect(CloudTrailFacts.value(.policyPublic, of: pinned) == .bool(false))
        let account = try add(#"{"functionName":"f","statementId":"s","action":"lambda:InvokeFunction","principal":"444455556666"}"#)
        #expect(CloudTrailFacts.value(.externalAccounts, of: account) == .array([.string("444455556666")]))
        let service = try add(#"{"functionName":"f","statementId":"s","action":"lambda:InvokeFunction","principal":"s3.amazonaws.com","sourceAccount":"123456789012"}"#)
        #expect(CloudTrailFacts.value(.externalAccounts, of: service) == .array([]))
    }

    @Test func objectsEncryptedWithAnotherAccountsKey() throws {
        let put = try record(identity: Self.user, source: "s3.amazonaws.com", name: "CopyObject",
                             parameters: #"{"bucketName":"b","key":"k","x-amz-server-side-encryption":"aws:kms","x-amz-server-side-encryption-aws-kms-key-id":"arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"}"#)
        #expect(CloudTrailFacts.value(.externalAccounts, of: put) == .array([.string("444455556666")]))
    }
}
