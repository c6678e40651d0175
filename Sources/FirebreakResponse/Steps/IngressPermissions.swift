import FirebreakAWS
import FirebreakLogs

/// The security group permissions of a CloudTrail AuthorizeSecurityGroupIngress event, and their short text.
enum IngressPermissions {
    /// Exactly the permissions the event added: `requestParameters.ipPermissions.items`, or the legacy top-level
    /// `ipProtocol`/`fromPort`/`toPort`/`cidrIp`.
    static func added(by record: CloudTrailRecord) -> [EC2IpPermission] {
        guard let parameters = record.value(at: "requestParameters") else { return [] }
        let items = elements(parameters.values(at: "ipPermissions.items"))
        if !items.isEmpty {
            return items.compactMap { item -> EC2IpPermission? in
                guard let proto = scalarText(item["ipProtocol"]) else { return nil }
                return EC2IpPermission(
                    ipProtocol: proto, fromPort: port(item["fromPort"]), toPort: port(item["toPort"]),
                    ipv4Ranges: elements(item.values(at: "ipRanges.items")).compactMap { range in
                        range["cidrIp"]?.stringValue.map { EC2IpRange($0, description: range["description"]?.stringValue) }
                    },
                    ipv6Ranges: elements(item.values(at: "ipv6Ranges.items")).compactMap { range in
                        range["cidrIpv6"]?.stringValue.map { EC2IpRange($0, description: range["description"]?.stringValue) }
                    },
                    groupIds: item.values(at: "groups.items.groupId").compactMap(\.stringValue),
                    prefixListIds: item.values(at: "prefixListIds.items.prefixListId").compactMap(\.stringValue))
            }
        }
        guard let proto = scalarText(parameters["ipProtocol"]) else { return [] }
        return [EC2IpPermission(ipProtocol: proto, fromPort: port(parameters["fromPort"]), toPort: port(parameters["toPort"]),
                                ipv4Ranges: parameters["cidrIp"]?.stringValue.map { [EC2IpRange($0)] } ?? [],
                                groupIds: parameters["sourceSecurityGroupId"]?.stringValue.map { [$0] } ?? [])]
    }

    /// `tcp 22 0.0.0.0/0,::/0`.
    static func describe(_ permission: EC2IpPermission) -> String {
        var text = permission.ipProtocol == "-1" ? "all" : permission.ipProtocol
        if let from = permission.fromPort {
            text += " " + (permission.toPort.map { $0 == from ? "\(from)" : "\(from)-\($0)" } ?? "\(from)")
        }
        let sources = permission.ipv4Ranges.map(\.cidr) + permission.ipv6Ranges.map(\.cidr) + permission.groupIds
            + permission.prefixListIds
        if !sources.isEmpty { text += " " + sources.joined(separator: ",") }
        return text
    }

    /// A port from the event: ICMP uses -1; anything outside Int32 is not a port.
    private static func port(_ value: JSONValue?) -> Int? {
        guard let number = value?.int64Value, number >= Int64(Int32.min), number <= Int64(Int32.max) else { return nil }
        return Int(number)
    }

    /// `values(at:)` returns a list found at the end of the path as one value: its elements, flattened.
    private static func elements(_ values: [JSONValue]) -> [JSONValue] {
        values.flatMap { $0.arrayValue ?? [$0] }
    }

    private static func scalarText(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        default: return nil
        }
    }
}
