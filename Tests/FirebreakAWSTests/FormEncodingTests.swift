import Testing
@testable import FirebreakAWS

@Suite struct FormEncodingTests {
    @Test func unreservedCharactersPassThrough() {
        #expect(FormEncoding.percentEncode("AZaz09-_.~") == "AZaz09-_.~")
    }

    @Test func everythingElseIsPercentEncodedUpperCase() {
        #expect(FormEncoding.percentEncode("a b+c") == "a%20b%2Bc")
        #expect(FormEncoding.percentEncode("0.0.0.0/0") == "0.0.0.0%2F0")
        #expect(FormEncoding.percentEncode("arn:aws:sns:us-east-1:123456789012:alerts")
            == "arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aalerts")
        #expect(FormEncoding.percentEncode("{\"k\":1}&=*") == "%7B%22k%22%3A1%7D%26%3D%2A")
        #expect(FormEncoding.percentEncode("é\n") == "%C3%A9%0A")
        #expect(FormEncoding.percentEncode("") == "")
    }

    @Test func formValuesWriteSpacesAsPlusLikeBotocore() {
        #expect(FormEncoding.formEncode("a b+c d") == "a+b%2Bc+d")
        #expect(FormEncoding.formEncode("0.0.0.0/0 ~x") == "0.0.0.0%2F0+~x")
        var request = QueryRequest(action: "CreateSecurityGroup", version: "2016-11-15")
        request.add("GroupDescription", "no traffic at all")
        #expect(request.body == "Action=CreateSecurityGroup&Version=2016-11-15&GroupDescription=no+traffic+at+all")
    }

    @Test func parametersKeepTheirOrder() {
        var request = QueryRequest(action: "DescribeInstances", version: "2016-11-15")
        request.addList("InstanceId", ["i-b", "i-a"])
        request.add("DryRun", true)
        request.add("MaxResults", 5)
        request.addIfPresent("NextToken", nil)
        #expect(request.body == "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-b&InstanceId.2=i-a"
            + "&DryRun=true&MaxResults=5")
        #expect(request.action == "DescribeInstances")
        #expect(request.value("InstanceId.2") == "i-a")
    }

    @Test func nestedListsFlattenOneBased() {
        var request = QueryRequest(action: "DescribeVolumes", version: "2016-11-15")
        request.addList("Filter", [("attachment.instance-id", ["i-1", "i-2"]), ("status", ["in-use"])]) { query, prefix, filter in
            query.add("\(prefix).Name", filter.0)
            query.addList("\(prefix).Value", filter.1)
        }
        #expect(request.body == "Action=DescribeVolumes&Version=2016-11-15"
            + "&Filter.1.Name=attachment.instance-id&Filter.1.Value.1=i-1&Filter.1.Value.2=i-2"
            + "&Filter.2.Name=status&Filter.2.Value.1=in-use")
    }
}
