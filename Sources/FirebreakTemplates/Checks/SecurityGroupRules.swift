/// A security group rule (inline or standalone), read literally.
struct SecurityGroupRule: Sendable {
    var protocolName: String?
    var fromPort: Int?
    var toPort: Int?
    var cidr: String?
    var line: Int

    init(_ value: TemplateValue, line fallback: Int) {
        let map = value.map ?? TemplateMap()
        protocolName = CheckValues.literal(map["IpProtocol"])?.lowercased()
        fromPort = CheckValues.int(map["FromPort"])
        toPort = CheckValues.int(map["ToPort"])
        cidr = CheckValues.literal(map["CidrIp"]) ?? CheckValues.literal(map["CidrIpv6"])
        let first = map.entries.first?.line ?? 0
        line = first > 0 ? first : fallback
    }

    var isWorldOpen: Bool {
        guard let cidr else { return false }
        return ["0.0.0.0/0", "::/0", "::0/0", "0:0:0:0:0:0:0:0/0"].contains(cidr)
    }

    /// All protocols, or every port of TCP/UDP.
    var isAllTraffic: Bool {
        if protocolName == "-1" || protocolName == "all" { return true }
        guard let range = portRange else { return false }
        return range.lowerBound <= 0 && range.upperBound >= 65535
    }

    var isPortProtocol: Bool {
        guard let p = protocolName else { return false }
        return ["tcp", "udp", "6", "17", "-1", "all"].contains(p)
    }

    /// The ports covered: all for protocol -1 (whatever ports it names), `FromPort...ToPort` for TCP/UDP;
    /// nil for ICMP and other protocols, and for a TCP/UDP rule that opens nothing (see `opensNothing`).
    var portRange: ClosedRange<Int>? {
        guard isPortProtocol else { return nil }
        if protocolName == "-1" || protocolName == "all" { return 0...65535 }
        let from = fromPort ?? 0, to = toPort ?? 65535
        guard from >= 0, to >= 0, from <= to else { return nil }
        return from...to
    }

    /// A TCP/UDP rule whose literal ports are no valid range: `FromPort` above `ToPort`, or -1 (which EC2
    /// accepts only with protocol -1 or ICMP). EC2 rejects such a rule, so it opens no port.
    var opensNothing: Bool { isPortProtocol && portRange == nil }

    func covers(_ port: Int) -> Bool { portRange?.contains(port) ?? false }

    var portText: String {
        guard let range = portRange else { return "protocol \(protocolName ?? "?")" }
        if range == 0...65535 { return "all ports" }
        return range.lowerBound == range.upperBound ? "port \(range.lowerBound)" : "ports \(range.lowerBound)-\(range.upperBound)"
    }

    /// Ingress rules of a security group or a standalone ingress resource (rules that open nothing left out).
    static func ingress(of resource: TemplateResource) -> [SecurityGroupRule] {
        rules(of: resource, inline: "SecurityGroupIngress", standalone: "AWS::EC2::SecurityGroupIngress")
    }

    static func egress(of resource: TemplateResource) -> [SecurityGroupRule] {
        rules(of: resource, inline: "SecurityGroupEgress", standalone: "AWS::EC2::SecurityGroupEgress")
    }

    private static func rules(of resource: TemplateResource, inline: String, standalone: String) -> [SecurityGroupRule] {
        switch resource.type {
        case "AWS::EC2::SecurityGroup":
            let line = resource.properties.line(of: inline) ?? resource.line
            return (resource.properties[inline]?.list ?? []).map { SecurityGroupRule($0, line: line) }.filter { !$0.opensNothing }
        case standalone:
            return [SecurityGroupRule(.map(resource.properties), line: resource.line)].filter { !$0.opensNothing }
        default:
            return []
        }
    }

    static let types: Set<String> = ["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"]
}
