import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The permissions of a role of a template (by default the task role of its `TaskDefinition`): its inline policies
/// and every AWS::IAM::Policy attached to it. A policy or statement under `Fn::If` counts with both branches (all
/// the role may be given), its CloudFormation condition kept in `conditionOf`.
struct TaskRolePolicy {
    var roleID = ""
    var allowed: [StackPolicyStatement] = []
    var denied: [StackPolicyStatement] = []
    var managedPolicyArns: [Any] = []
    /// The CloudFormation condition a statement (by Sid) or its whole policy depends on.
    var conditionOf: [String: String] = [:]

    /// The task role: the role `TaskDefinition`'s `TaskRoleArn` names.
    init(template: [String: Any]) throws {
        let resources = try #require(template["Resources"] as? [String: Any])
        let taskDefinition = try #require((resources["TaskDefinition"] as? [String: Any])?["Properties"] as? [String: Any])
        let roleID = try #require(((taskDefinition["TaskRoleArn"] as? [String: Any])?["Fn::GetAtt"] as? [String])?.first)
        try self.init(template: template, roleID: roleID)
    }

    /// The role `roleID` of the template.
    init(template: [String: Any], roleID: String) throws {
        self.roleID = roleID
        let resources = try #require(template["Resources"] as? [String: Any])
        let role = try #require((resources[roleID] as? [String: Any])?["Properties"] as? [String: Any], "no role \(roleID)")
        managedPolicyArns = role["ManagedPolicyArns"] as? [Any] ?? []
        var documents: [(document: [String: Any], condition: String?)] = []
        for (policy, condition) in Self.branches(role["Policies"] as? [Any] ?? [], condition: nil) {
            if let document = policy["PolicyDocument"] as? [String: Any] { documents.append((document, condition)) }
        }
        for case let resource as [String: Any] in resources.values
        where ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"].contains(resource["Type"] as? String) {
            let properties = resource["Properties"] as? [String: Any] ?? [:]
            let roles = (properties["Roles"] as? [Any] ?? []).compactMap { ($0 as? [String: Any])?["Ref"] as? String }
            if roles.contains(roleID), let document = properties["PolicyDocument"] as? [String: Any] {
                documents.append((document, resource["Condition"] as? String))
            }
        }
        #expect(documents.count >= 2, "the policies of \(roleID) were not found")
        for (document, policyCondition) in documents {
            for (statement, condition) in Self.branches(document["Statement"] as? [Any] ?? [], condition: policyCondition) {
                let parsed = StackPolicyStatement(statement)
                if let condition { conditionOf[parsed.sid] = condition }
                if parsed.effect == "Allow" { allowed.append(parsed) } else { denied.append(parsed) }
            }
        }
    }

    /// The elements of a list, with both branches of an `Fn::If` element (without `AWS::NoValue`) and its condition.
    static func branches(_ list: [Any], condition: String?) -> [(value: [String: Any], condition: String?)] {
        list.flatMap { element -> [(value: [String: Any], condition: String?)] in
            guard let map = element as? [String: Any] else { return [] }
            guard let choice = map["Fn::If"] as? [Any], choice.count == 3, let name = choice[0] as? String else {
                return [(map, condition)]
            }
            return branches(Array(choice[1...]).filter { ($0 as? [String: Any])?["Ref"] as? String != "AWS::NoValue" },
                            condition: name)
        }
    }
}
