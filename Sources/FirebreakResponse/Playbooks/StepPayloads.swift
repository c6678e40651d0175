import FirebreakAWS
import Foundation

// The JSON payloads `PlannedAction.payload` carries for the steps that need more than the resource. The
// planner writes them (JSONEncoder), the step runner reads them (JSONDecoder); unknown keys are ignored.

/// `revoke-ingress`: the permissions to revoke from a security group, exactly as they were granted.
///
/// ```json
/// {"groupId": "sg-0123", "permissions": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
///   "ipRanges": ["0.0.0.0/0"], "ipv6Ranges": ["::/0"]}]}
/// ```
/// `groupId` may be left out when the action's resource is the group (`resourceType` `security-group`).
/// `ipProtocol` is `tcp`, `udp`, `icmp`, `icmpv6`, a number, or `-1` (all; then no ports). Optional
/// `groupIds` (source groups) and `prefixListIds` are revoked too.
public struct RevokeIngressPayload: Codable, Sendable, Hashable {
    public struct Permission: Codable, Sendable, Hashable {
        public var ipProtocol: String
        public var fromPort: Int?
        public var toPort: Int?
        public var ipRanges: [String]?
        public var ipv6Ranges: [String]?
        public var groupIds: [String]?
        public var prefixListIds: [String]?

        public init(ipProtocol: String, fromPort: Int? = nil, toPort: Int? = nil, ipRanges: [String]? = nil,
                    ipv6Ranges: [String]? = nil, groupIds: [String]? = nil, prefixListIds: [String]? = nil) {
            self.ipProtocol = ipProtocol
            self.fromPort = fromPort
            self.toPort = toPort
            self.ipRanges = ipRanges
            self.ipv6Ranges = ipv6Ranges
            self.groupIds = groupIds
            self.prefixListIds = prefixListIds
        }

        public var ec2Permission: EC2IpPermission {
            EC2IpPermission(ipProtocol: ipProtocol, fromPort: fromPort, toPort: toPort,
                            ipv4Ranges: (ipRanges ?? []).map { EC2IpRange($0) },
                            ipv6Ranges: (ipv6Ranges ?? []).map { EC2IpRange($0) },
                            groupIds: groupIds ?? [], prefixListIds: prefixListIds ?? [])
        }
    }

    public var groupId: String?
    public var permissions: [Permission]

    public init(groupId: String?, permissions: [Permission]) {
        self.groupId = groupId
        self.permissions = permissions
    }
}

/// `start-logging`: `{"trail": "name or ARN"}`; when left out, the action's resource id is the trail.
public struct StartLoggingPayload: Codable, Sendable, Hashable {
    public var trail: String?

    public init(trail: String?) {
        self.trail = trail
    }
}

/// `terminate`: `{"requireSnapshot": true}` when the plan has a `snapshot` step for the same instance. In
/// `enforce` mode the runner then refuses (skips) the terminate unless a snapshot tagged
/// `firebreak:finding-id=<finding>` exists for the instance's volumes: evidence before containment, even if the
/// outbox ordering were broken. The `snapshot` step tags with the finding id, so its own snapshots qualify.
public struct TerminatePayload: Codable, Sendable, Hashable {
    public var requireSnapshot: Bool?

    public init(requireSnapshot: Bool?) {
        self.requireSnapshot = requireSnapshot
    }
}

/// `alert`: what to tell the SNS topic.
///
/// ```json
/// {"subject": "Firebreak: SSH open to the world", "message": "readable text", "level": "high",
///  "ruleId": "rule-uuid", "finding": {"id": "...", "...": "..."}}
/// ```
/// Everything is optional: the subject defaults to `Firebreak <level> finding: <rule>`, the level to
/// `unknown`, the rule id to the action's. `finding` is any JSON value, re-encoded (sorted keys) under the text.
public struct AlertPayload: Codable, Sendable, Hashable {
    public var subject: String?
    public var message: String?
    public var level: String?
    public var ruleId: String?
    public var finding: PayloadJSON?

    public init(subject: String? = nil, message: String? = nil, level: String? = nil, ruleId: String? = nil,
                finding: PayloadJSON? = nil) {
        self.subject = subject
        self.message = message
        self.level = level
        self.ruleId = ruleId
        self.finding = finding
    }
}

/// Any JSON value, for payload parts the runner only passes on (the finding of an alert). Codable;
/// `FirebreakLogs.JSONValue` is the parser's tree, this one is for payloads.
public enum PayloadJSON: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([PayloadJSON])
    case object([String: PayloadJSON])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([PayloadJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: PayloadJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .number(value):
            // Whole numbers without a fraction (ports, counts, epoch seconds).
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    /// Compact JSON with sorted keys.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}

extension PlannedAction {
    /// The payload decoded as `T`; an empty payload decodes from `{}`. A malformed payload is a client error
    /// (not retryable): the planner wrote something the runner cannot read.
    func decodePayload<T: Decodable>(_ type: T.Type) throws(AWSError) -> T {
        let text = payload.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return try JSONDecoder().decode(T.self, from: Data((text.isEmpty ? "{}" : text).utf8))
        } catch {
            throw AWSError(.invalidParameter, code: "InvalidPayload",
                           message: "the \(step.kind.rawValue) payload of action \(id) is not a valid \(T.self): \(error)")
        }
    }
}
