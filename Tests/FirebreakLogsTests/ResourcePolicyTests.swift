import Testing
@testable import FirebreakLogs

/// Resource policies as CloudTrail records them: public or pinned, and the accounts they name.
@Suite struct ResourcePolicyTests {
    func policy(_ json: String) throws -> ResourcePolicy {
        try #require(ResourcePolicy(document: try JSONParser().parse(json)))
    }

    func statement(principal: String, condition: String? = nil, effect: String = "Allow") -> String {
        let cond = condition.map { #","Condition":\#($0)"# } ?? ""
        return #"{"Version":"2012-10-17","Statement":[{"Effect":"\#(effect)","Principal":\#(principal),"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"\#(cond)}]}"#
    }

    @Test func everyoneWithoutConditionIsPublic() throws {
        #expect(try policy(statement(principal: #""*""#)).isPublic)
        #expect(try policy(statement(principal: #"{"AWS":"*"}"#)).isPublic)
        #expect(try policy(statement(principal: #"{"AWS":["arn:aws:iam::111122223333:root","*"]}"#)).isPublic)
    }

    @Test func aDenyForEveryoneOrAnAccountPrincipalIsNotPublic() throws {
        #expect(!(try policy(statement(principal: #""*""#, effect: "Deny")).isPublic))
        #expect(!(try policy(statement(principal: #"{"AWS":"arn:aws:iam::111122223333:root"}"#)).isPublic))
        // The common pair: an account allowed, everyone denied without TLS.
        let pair = #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#
        #expect(!(try policy(pair).isPublic))
    }

    @Test(arguments: [
        #"{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#,
        #"{"StringEquals":{"aws:sourcevpc":"vpc-111bbb22"}}"#,
        #"{"StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5"]}}"#,
        #"{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}"#,
        #"{"StringEquals":{"aws:SourceAccount":"123456789012"}}"#,
        #"{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"}}"#,
        #"{"IpAddress":{"aws:SourceIp":["10.0.0.0/16","192.168.1.0/24"]}}"#,
        #"{"IpAddress":{"aws:SourceIp":"fd00:ec2::/64"}}"#,
    ])
    func pinnedEveryoneIsNotPublic(condition: String) throws {
        #expect(!(try policy(statement(principal: #""*""#, condition: condition)).isPublic))
    }

    @Test(arguments: [
        #"{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#,
        #"{"StringEqualsIfExists":{"aws:SourceVpc":"vpc-111bbb22"}}"#,
        #"{"StringLike":{"aws:PrincipalOrgID":"*"}}"#,
        #"{"IpAddress":{"aws:SourceIp":["10.0.0.0/16","203.0.113.0/24"]}}"#,
        #"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#,
        #"{"IpAddress":{"aws:SourceIp":"10.0.0.0/7"}}"#,
        #"{"Bool":{"aws:SecureTransport":"true"}}"#,
        #"{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}"#,
    ])
    func conditionsThatDoNotPinTheCallerStayPublic(condition: String) throws {
        #expect(try policy(statement(principal: #""*""#, condition: condition)).isPublic)
    }

    @Test func everyStatementMustBePinned() throws {
        let json = #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}},{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:ListBucket","Resource":"*"}]}"#
        #expect(try policy(json).isPublic)
    }

    @Test func accountsFromPrincipalsAndAccountConditions() throws {
        let json = #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666","arn:aws:iam::111122223333:role/Reader"],"Service":"s3.amazonaws.com"},"Action":"*","Resource":"*"},{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML"},{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:PrincipalAccount":["777788889999"]}}},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"*"}]}"#
        #expect(try policy(json).accounts == ["111122223333", "444455556666", "123456789012", "777788889999"])
    }

    @Test func documentsAsCloudTrailWritesThem() throws {
        let text = #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}"#
        #expect(ResourcePolicy(document: .string(text))?.isPublic == true)
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22%2A%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"
        #expect(ResourcePolicy(document: .string(encoded))?.isPublic == true)
        #expect(ResourcePolicy(document: .array([.string(text)]))?.statements.count == 1)
        #expect(ResourcePolicy(document: .string("not a policy")) == nil)
        #expect(ResourcePolicy(document: .string("%7Bbroken%")) == nil)
        #expect(ResourcePolicy(document: .array([.string("")])) == nil)
        #expect(ResourcePolicy(document: .int(3)) == nil)
    }

    @Test func accountIDs() {
        #expect(AccountID.of("111122223333") == "111122223333")
        #expect(AccountID.of("arn:aws:iam::111122223333:root") == "111122223333")
        #expect(AccountID.of("arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab") == "444455556666")
        #expect(AccountID.of("s3.amazonaws.com") == nil)
        #expect(AccountID.of("11112222333") == nil)
        #expect(AccountID.of("arn:aws:s3:::bucket") == nil)
        #expect(AccountID.of("*") == nil)
    }
}
