import Foundation
import Yams

/// The case style logical ids must follow (`FB-POL-001`).
public enum LogicalIDCase: String, Sendable, Hashable, CaseIterable {
    case pascal, camel, any
}

/// Settings of the checks, loaded from `config/checks.yaml` (every key optional; see that file).
public struct CheckConfiguration: Sendable, Hashable {
    /// Checks not run.
    public var disabled: Set<String> = []
    /// When not empty, only these checks run.
    public var only: Set<String> = []
    /// Level overrides by check id.
    public var levels: [String: CheckLevel] = [:]
    /// Ports that must never be open to the world (`FB-NET-004`; 22 and 3389 have checks of their own).
    public var adminPorts: [Int] = [22, 3389, 23, 21, 5900, 5985, 5986]
    /// Ports that may be open to the world (`FB-NET-005`).
    public var allowedIngressPorts: [Int] = [80, 443]
    /// Resource type patterns (globs); when not empty, other types are reported (`FB-POL-002`).
    public var allowedResourceTypes: [String] = []
    /// Resource type patterns (globs) that are reported (`FB-POL-003`).
    public var deniedResourceTypes: [String] = []
    /// Managed policy ARN patterns; when not empty, other ARNs are reported (`FB-POL-008`).
    public var allowedManagedPolicyARNs: [String] = []
    /// Managed policy ARN patterns that are reported (`FB-POL-008`).
    public var deniedManagedPolicyARNs: [String] = []
    /// IAM action patterns; when not empty, Allow statements with other actions are reported (`FB-POL-006`).
    public var allowedActions: [String] = []
    /// IAM action patterns reported in Allow statements (`FB-POL-006`).
    public var deniedActions: [String] = []
    /// IAM resource patterns; when not empty, Allow statements on other resources are reported (`FB-POL-007`).
    public var allowedPolicyResources: [String] = []
    /// IAM resource patterns reported in Allow statements (`FB-POL-007`).
    public var deniedPolicyResources: [String] = []
    /// Report every inline IAM policy (`FB-POL-005`).
    public var denyInlinePolicies: Bool = false
    /// Require SSE-KMS default encryption on S3 buckets (`FB-DATA-004`); off by default, as S3 encrypts
    /// every bucket with SSE-S3 since January 2023.
    public var s3RequireKMS: Bool = false
    /// Case of logical ids (`FB-POL-001`).
    public var logicalIDCase: LogicalIDCase = .pascal

    public init() {}

    public static let `default` = CheckConfiguration()

    public func isEnabled(_ id: String) -> Bool {
        !disabled.contains(id) && (only.isEmpty || only.contains(id))
    }

    public func level(for definition: CheckDefinition) -> CheckLevel { levels[definition.id] ?? definition.level }

    public static func load(path: String) throws -> CheckConfiguration {
        try parse(yaml: try CheckInputFile.text(path: path), path: path)
    }

    public static func parse(yaml: String, path: String = "<string>") throws -> CheckConfiguration {
        func fail(_ message: String) -> CheckConfigurationError { CheckConfigurationError(path: path, message: message) }
        let loaded = try CheckInputFile.yaml(yaml, path: path)
        var configuration = CheckConfiguration()
        guard let loaded else { return configuration }
        guard let root = loaded as? [String: Any] else { throw fail("expected a mapping at the top level") }

        func strings(_ key: String) throws -> [String]? {
            guard let value = root[key] else { return nil }
            if value is NSNull { return [] }
            guard let list = value as? [Any] else { throw fail("\(key): expected a list") }
            return list.map { "\($0)" }
        }
        func ints(_ key: String) throws -> [Int]? {
            try strings(key).map { try $0.map { text in
                guard let port = Int(text) else { throw fail("\(key): \(text) is not a number") }
                return port
            } }
        }
        let known: Set<String> = [
            "disabled", "only", "levels", "admin_ports", "allowed_ingress_ports", "allowed_resource_types",
            "denied_resource_types", "allowed_managed_policy_arns", "denied_managed_policy_arns", "allowed_actions",
            "denied_actions", "allowed_policy_resources", "denied_policy_resources", "deny_inline_policies",
            "logical_id_case", "s3_require_kms",
        ]
        if let unknown = root.keys.filter({ !known.contains($0) }).sorted().first { throw fail("unknown key \(unknown)") }

        if let v = try strings("disabled") { configuration.disabled = Set(v) }
        if let v = try strings("only") { configuration.only = Set(v) }
        if let v = root["levels"], !(v is NSNull) {
            guard let map = v as? [String: Any] else { throw fail("levels: expected a mapping") }
            for (id, level) in map {
                guard let parsed = CheckLevel(rawValue: "\(level)") else { throw fail("levels.\(id): \(level) is not warning or error") }
                configuration.levels[id] = parsed
            }
        }
        if let v = try ints("admin_ports") { configuration.adminPorts = v }
        if let v = try ints("allowed_ingress_ports") { configuration.allowedIngressPorts = v }
        if let v = try strings("allowed_resource_types") { configuration.allowedResourceTypes = v }
        if let v = try strings("denied_resource_types") { configuration.deniedResourceTypes = v }
        if let v = try strings("allowed_managed_policy_arns") { configuration.allowedManagedPolicyARNs = v }
        if let v = try strings("denied_managed_policy_arns") { configuration.deniedManagedPolicyARNs = v }
        if let v = try strings("allowed_actions") { configuration.allowedActions = v }
        if let v = try strings("denied_actions") { configuration.deniedActions = v }
        if let v = try strings("allowed_policy_resources") { configuration.allowedPolicyResources = v }
        if let v = try strings("denied_policy_resources") { configuration.deniedPolicyResources = v }
        if let v = root["deny_inline_policies"] {
            guard let b = v as? Bool else { throw fail("deny_inline_policies: expected true or false") }
            configuration.denyInlinePolicies = b
        }
        if let v = root["s3_require_kms"] {
            guard let b = v as? Bool else { throw fail("s3_require_kms: expected true or false") }
            configuration.s3RequireKMS = b
        }
        if let v = root["logical_id_case"] {
            guard let c = LogicalIDCase(rawValue: "\(v)") else { throw fail("logical_id_case: expected pascal, camel or any") }
            configuration.logicalIDCase = c
        }
        return configuration
    }
}

public struct CheckConfigurationError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
