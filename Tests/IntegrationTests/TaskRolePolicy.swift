import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The permissions of the task role: its inline policies and every AWS::IAM::Policy attached to it.
struct TaskRolePolicy {
    var allowed: [StackPolicyStatement] = []
    var denied: [StackPolicyStatement] = []
    var managedPolicyArns: [Any] = []

    init(template: [String: Any]) throws {
        let resources = try #require(template["Resources"] as? [String: Any])
        let taskDefinition = try #require((resources["TaskDefinition"] as? [String: Any])?["Properties"] as? [String: Any])
        let roleID = try #require(((taskDefinition["TaskRoleArn"] as? [String: Any])?["Fn::GetAtt"] as? [String])?.first)
        let role = try #require((resources[roleID] as? [String: Any])?["Properties"] as? [String: Any])
        managedPolicyArns = role["ManagedPolicyArns"] as? [Any] ?? []
        var documents = (role["Policies"] as? [[String: Any]] ?? []).compactMap { $0["PolicyDocument"] as? [String: Any] }
        for case let resource as [String: Any] in resources.values
        where ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"].contains(resource["Type"] as? String) {
            let properties = resource["Properties"] as? [String: Any] ?? [:]
            let roles = (properties["Roles"] as? [Any] ?? []).compactMap { ($0 as? [String: Any])?["Ref"] as? String }
            if roles.contains(roleID), let document = properties["PolicyDocument"] as? [String: Any] { documents.append(document) }
        }
        #expect(documents.count >= 2, "the task role's policies were not found")
        for document in documents {
            for case let statement as [String: Any] in document["Statement"] as? [Any] ?? [] {
                let parsed = StackPolicyStatement(statement)
                if parsed.effect == "Allow" { allowed.append(parsed) } else { denied.append(parsed) }
            }
        }
    }
}
