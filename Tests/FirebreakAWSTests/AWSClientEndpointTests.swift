import Foundation
import Testing
@testable import FirebreakAWS

@Suite struct AWSClientEndpointTests {
    @Test func resolvesOverridesAndSignsWithTheRealScope() throws {
        let resolver = EndpointResolver(environment: ["AWS_REGION": "eu-west-1",
                                                      "AWS_ENDPOINT_URL_EC2": "http://127.0.0.1:5055",
                                                      "AWS_ENDPOINT_URL": "http://127.0.0.1:6066"])
        let transport = ScriptedTransport([.respond(200, ec2XML("CreateTags", "<return>true</return>"))])
        let ec2 = try AWSClient(service: .ec2, credentials: StaticCredentials(), transport: transport, resolver: resolver)
        #expect(ec2.endpoint.absoluteString == "http://127.0.0.1:5055")
        #expect(ec2.region == "eu-west-1")
        #expect(ec2.signingName == "ec2")
        try EC2Client(client: ec2).createTags(resourceIds: ["i-1"], tags: [])
        #expect(transport.sent[0].header("Authorization")?.contains("/eu-west-1/ec2/aws4_request") == true)

        let sns = try AWSClient(service: .sns, region: "us-east-2", credentials: StaticCredentials(), transport: transport,
                                resolver: resolver)
        #expect(sns.endpoint.absoluteString == "http://127.0.0.1:6066")
        #expect(sns.region == "us-east-2")
        let trail = try AWSClient(service: .cloudTrail, region: "us-east-1", credentials: StaticCredentials(),
                                  transport: transport, resolver: EndpointResolver(environment: [:]))
        #expect(trail.endpoint.absoluteString == "https://cloudtrail.us-east-1.amazonaws.com")
        #expect(trail.signingName == "cloudtrail")
    }

    @Test func noRegionIsAnError() {
        #expect(throws: AWSError.self) {
            _ = try AWSClient(service: .ec2, credentials: StaticCredentials(), transport: ScriptedTransport([]),
                              resolver: EndpointResolver(environment: ["AWS_CONFIG_FILE": "/nonexistent/config"]))
        }
    }
}
