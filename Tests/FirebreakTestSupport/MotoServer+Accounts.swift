import FirebreakAWS
import Foundation

/// Member accounts and event buses in moto, for the tests of acting in member accounts and of the `event` step.
///
/// moto (5.2.1) files AssumeRole keys under the role's account without the role existing; with IAM checking on,
/// those keys can do nothing until the role exists there with a policy, which `memberAccount` creates with IAM calls
/// signed by the assumed keys while checking is off (moto picks the account from the access key). moto checks neither
/// the trust policy nor the external id.
extension MotoServer {
    /// Keys of `account`'s role `roleName` (allow-everything policy), assumed with the admin keys.
    public func memberAccount(_ account: String, roleName: String = "FirebreakResponder",
                              externalID: String? = nil) throws -> AWSCredentials {
        let sts = STSClient(client: client(signingName: "sts"))
        let role = try sts.assumeRole(roleArn: "arn:aws:iam::\(account):role/\(roleName)", sessionName: "firebreak-test-setup",
                                      externalID: externalID)
        try createRole(roleName, signedWith: role.credentials)
        return role.credentials
    }

    /// Creates the role `name`, trusting 123456789012, with an allow-everything policy, in the account `credentials`
    /// belong to (signature checking off meanwhile: the keys' account has no role yet to authorize them).
    public func createRole(_ name: String, signedWith credentials: AWSCredentials) throws {
        try withoutAuthentication {
            let iam = client(signingName: "iam", credentials: credentials)
            var create = QueryRequest(action: "CreateRole", version: "2010-05-08")
            create.add("RoleName", name)
            create.add("AssumeRolePolicyDocument", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#
                       + #""Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#)
            _ = try iam.query(create)
            var policy = QueryRequest(action: "PutRolePolicy", version: "2010-05-08")
            policy.add("RoleName", name)
            policy.add("PolicyName", "admin")
            policy.add("PolicyDocument", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
            _ = try iam.query(policy)
        }
    }

    /// A custom event bus `bus` with a rule on `source: firebreak` whose target is the new SQS queue `queue`.
    public func eventBus(_ bus: String, queue name: String) throws -> SQSQueue {
        struct Empty: Decodable {}
        struct Bus: Encodable {
            var name: String
            enum CodingKeys: String, CodingKey { case name = "Name" }
        }
        struct Rule: Encodable {
            var name: String
            var eventBusName: String
            var eventPattern: String
            enum CodingKeys: String, CodingKey { case name = "Name", eventBusName = "EventBusName", eventPattern = "EventPattern" }
        }
        struct Targets: Encodable {
            struct Target: Encodable {
                var id: String
                var arn: String
                enum CodingKeys: String, CodingKey { case id = "Id", arn = "Arn" }
            }
            var rule: String
            var eventBusName: String
            var targets: [Target]
            enum CodingKeys: String, CodingKey { case rule = "Rule", eventBusName = "EventBusName", targets = "Targets" }
        }
        let events = EventBridgeClient(client: client(signingName: EventBridgeClient.signingName))
        let queue = try createQueue(name)
        _ = try events.call("CreateEventBus", Bus(name: bus), as: Empty.self)
        _ = try events.call("PutRule", Rule(name: "to-\(name)", eventBusName: bus, eventPattern: #"{"source":["firebreak"]}"#),
                            as: Empty.self)
        _ = try events.call("PutTargets", Targets(rule: "to-\(name)", eventBusName: bus,
                                                  targets: [Targets.Target(id: "queue", arn: queue.arn)]), as: Empty.self)
        return queue
    }
}
