/// Network checks: security groups, network ACLs, instance metadata, public addressing.
enum NetworkChecks {
    static let all: [any TemplateCheck] = [
        worldOpenAllTraffic, worldOpenSSH, worldOpenRDP, worldOpenAdminPorts, worldOpenUnlistedPorts,
        ingressNotHost, missingEgress, worldOpenEgress, naclWorldOpen, launchTemplateIMDSv2, instanceIMDSv2,
        launchConfigurationIMDSv2, instancePublicIP, subnetPublicIP,
    ]

    static func worldIngress(_ resource: TemplateResource, _ violation: (SecurityGroupRule) -> String?) -> [Violation] {
        SecurityGroupRule.ingress(of: resource).filter(\.isWorldOpen).compactMap { rule in
            violation(rule).map { Violation($0, line: rule.line) }
        }
    }

    static let worldOpenAllTraffic = ResourceRule(CheckDefinition(
        id: "FB-NET-001", title: "Security group ingress open to the world on all ports", level: .error,
        description: "An ingress rule allows 0.0.0.0/0 or ::/0 on every protocol or port.",
        fix: "Restrict the CIDR to known ranges and the protocol/ports to those the service needs.",
        cfnNag: ["W2", "W27", "W42"]), types: SecurityGroupRule.types) { resource, _ in
        worldIngress(resource) { $0.isAllTraffic ? "ingress from \($0.cidr ?? "") on all traffic (\($0.portText))" : nil }
    }

    static let worldOpenSSH = ResourceRule(CheckDefinition(
        id: "FB-NET-002", title: "SSH (22) open to the world", level: .error,
        description: "An ingress rule allows 0.0.0.0/0 or ::/0 to port 22.",
        fix: "Allow SSH from a bastion security group or corporate CIDR, or use SSM Session Manager.",
        cfnNag: ["W2"], checkov: ["CKV_AWS_24"]), types: SecurityGroupRule.types) { resource, _ in
        worldIngress(resource) { !$0.isAllTraffic && $0.covers(22) ? "SSH open to \($0.cidr ?? "") (\($0.portText))" : nil }
    }

    static let worldOpenRDP = ResourceRule(CheckDefinition(
        id: "FB-NET-003", title: "RDP (3389) open to the world", level: .error,
        description: "An ingress rule allows 0.0.0.0/0 or ::/0 to port 3389.",
        fix: "Allow RDP from a bastion security group or corporate CIDR, or use Fleet Manager.",
        cfnNag: ["W2"], checkov: ["CKV_AWS_25"]), types: SecurityGroupRule.types) { resource, _ in
        worldIngress(resource) { !$0.isAllTraffic && $0.covers(3389) ? "RDP open to \($0.cidr ?? "") (\($0.portText))" : nil }
    }

    static let worldOpenAdminPorts = ResourceRule(CheckDefinition(
        id: "FB-NET-004", title: "Administrative port open to the world", level: .error,
        description: "An ingress rule allows 0.0.0.0/0 or ::/0 to a port of the configured admin_ports list (other than 22 and 3389).",
        fix: "Restrict the source to known ranges or security groups.",
        cfnNag: ["W2"]), types: SecurityGroupRule.types) { resource, context in
        let ports = context.configuration.adminPorts.filter { $0 != 22 && $0 != 3389 }
        return worldIngress(resource) { rule in
            guard !rule.isAllTraffic else { return nil }
            let hit = ports.filter(rule.covers)
            return hit.isEmpty ? nil : "admin port \(hit.map(String.init).joined(separator: ", ")) open to \(rule.cidr ?? "")"
        }
    }

    static let worldOpenUnlistedPorts = ResourceRule(CheckDefinition(
        id: "FB-NET-005", title: "Port open to the world outside the allowed list", level: .warning,
        description: "An ingress rule allows 0.0.0.0/0 or ::/0 to ports not in allowed_ingress_ports (rules already reported as all-traffic or admin ports are left out).",
        fix: "Open only the allowed public ports (by default 80 and 443) to the world; put other services behind a load balancer or VPN.",
        cfnNag: ["W2"]), types: SecurityGroupRule.types) { resource, context in
        let allowed = Set(context.configuration.allowedIngressPorts)
        let admin = Set(context.configuration.adminPorts + [22, 3389])
        return worldIngress(resource) { rule in
            guard !rule.isAllTraffic, let range = rule.portRange else { return nil }
            if admin.contains(where: rule.covers) { return nil }
            let outside = range.count > 1024 || range.contains { !allowed.contains($0) }
            return outside ? "\(rule.portText) open to \(rule.cidr ?? "")" : nil
        }
    }

    static let ingressNotHost = ResourceRule(CheckDefinition(
        id: "FB-NET-006", title: "Security group ingress from a CIDR wider than a host", level: .warning,
        description: "An ingress rule allows a CIDR range (not /32 or /128) that is not the whole Internet, to ports outside allowed_ingress_ports (those may be open to the world, so a narrower range is no finding).",
        fix: "Prefer security group references or narrow CIDR ranges.",
        cfnNag: ["W9"]), types: SecurityGroupRule.types) { resource, context in
        let allowed = Set(context.configuration.allowedIngressPorts)
        return SecurityGroupRule.ingress(of: resource).compactMap { rule in
            guard let cidr = rule.cidr, !rule.isWorldOpen, let bits = cidr.split(separator: "/").last.flatMap({ Int($0) }) else { return nil }
            if !rule.isAllTraffic, let range = rule.portRange, range.count <= 1024, range.allSatisfy(allowed.contains) {
                return nil
            }
            let host = cidr.contains(":") ? 128 : 32
            return bits < host ? Violation("ingress from \(cidr) (\(rule.portText))", line: rule.line) : nil
        }
    }

    static let missingEgress = ResourceRule(CheckDefinition(
        id: "FB-NET-007", title: "Security group without egress rules", level: .warning,
        description: "A security group has no SecurityGroupEgress and no AWS::EC2::SecurityGroupEgress refers to it, so all outbound traffic is allowed.",
        fix: "Add SecurityGroupEgress rules limited to the destinations the workload needs.",
        cfnNag: ["F1000"]), types: ["AWS::EC2::SecurityGroup"]) { resource, context in
        if CheckValues.present(resource.properties["SecurityGroupEgress"]) { return [] }
        let standalone = context.resources(ofType: "AWS::EC2::SecurityGroupEgress").contains {
            CheckValues.references(in: $0.properties["GroupId"]).contains(resource.logicalID)
        }
        return standalone ? [] : [Violation("no egress rules: all outbound traffic allowed")]
    }

    static let worldOpenEgress = ResourceRule(CheckDefinition(
        id: "FB-NET-008", title: "Security group egress open to the world on all traffic", level: .warning,
        description: "An egress rule allows all protocols to 0.0.0.0/0 or ::/0.",
        fix: "Limit egress to the ports and destinations the workload needs.",
        cfnNag: ["W5", "W40"]), types: ["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupEgress"]) { resource, _ in
        SecurityGroupRule.egress(of: resource).filter { $0.isWorldOpen && $0.isAllTraffic }.map {
            Violation("egress to \($0.cidr ?? "") on all traffic", line: $0.line)
        }
    }

    static let naclWorldOpen = ResourceRule(CheckDefinition(
        id: "FB-NET-009", title: "Network ACL entry allows ingress from the world", level: .warning,
        description: "An AWS::EC2::NetworkAclEntry allows inbound traffic from 0.0.0.0/0 or ::/0.",
        fix: "Restrict the CIDR block or port range of the entry."), types: ["AWS::EC2::NetworkAclEntry"]) { resource, _ in
        let p = resource.properties
        guard CheckValues.literal(p["RuleAction"])?.lowercased() == "allow", CheckValues.bool(p["Egress"]) != true else { return [] }
        let cidr = CheckValues.literal(p["CidrBlock"]) ?? CheckValues.literal(p["Ipv6CidrBlock"])
        guard let cidr, ["0.0.0.0/0", "::/0"].contains(cidr) else { return [] }
        var ports = "all ports"
        if let range = p["PortRange"], let from = CheckValues.int(range["From"]), let to = CheckValues.int(range["To"]) {
            ports = from == to ? "port \(from)" : "ports \(from)-\(to)"
        }
        return [Violation("allows ingress from \(cidr) on \(ports)", line: p.line(of: "CidrBlock") ?? p.line(of: "Ipv6CidrBlock"))]
    }

    /// IMDSv1 is off: `HttpTokens: required`, or `HttpEndpoint: disabled` (no metadata service at all).
    static func requiresTokens(_ metadataOptions: TemplateValue?) -> Bool {
        CheckValues.literal(metadataOptions?["HttpTokens"])?.lowercased() == "required"
            || CheckValues.literal(metadataOptions?["HttpEndpoint"])?.lowercased() == "disabled"
    }

    static let launchTemplateIMDSv2 = ResourceRule(CheckDefinition(
        id: "FB-NET-010", title: "Launch template does not require IMDSv2", level: .error,
        description: "LaunchTemplateData.MetadataOptions neither sets HttpTokens: required nor HttpEndpoint: disabled.",
        fix: "Set LaunchTemplateData.MetadataOptions.HttpTokens: required.",
        checkov: ["CKV_AWS_79"]), types: ["AWS::EC2::LaunchTemplate"]) { resource, _ in
        requiresTokens(resource.properties["LaunchTemplateData"]?["MetadataOptions"])
            ? [] : [Violation("MetadataOptions.HttpTokens is not required and the endpoint is not disabled (IMDSv1 allowed)", line: resource.properties.line(of: "LaunchTemplateData"))]
    }

    static let instanceIMDSv2 = ResourceRule(CheckDefinition(
        id: "FB-NET-011", title: "EC2 instance does not require IMDSv2", level: .error,
        description: "An AWS::EC2::Instance neither sets MetadataOptions.HttpTokens: required (or HttpEndpoint: disabled) nor uses a launch template of this template that does.",
        fix: "Launch the instance from a launch template with MetadataOptions.HttpTokens: required."), types: ["AWS::EC2::Instance"]) { resource, context in
        if requiresTokens(resource.properties["MetadataOptions"]) { return [] }
        let spec = resource.properties["LaunchTemplate"]
        let referenced = CheckValues.references(in: spec?["LaunchTemplateId"]).union(CheckValues.references(in: spec?["LaunchTemplateName"]))
        for id in referenced {
            if let template = context.resource(id), requiresTokens(template.properties["LaunchTemplateData"]?["MetadataOptions"]) { return [] }
        }
        return [Violation("IMDSv2 not required (IMDSv1 allowed)")]
    }

    static let launchConfigurationIMDSv2 = ResourceRule(CheckDefinition(
        id: "FB-NET-012", title: "Launch configuration does not require IMDSv2", level: .error,
        description: "An AWS::AutoScaling::LaunchConfiguration sets neither MetadataOptions.HttpTokens: required nor HttpEndpoint: disabled.",
        fix: "Set MetadataOptions.HttpTokens: required, or move to a launch template."), types: ["AWS::AutoScaling::LaunchConfiguration"]) { resource, _ in
        requiresTokens(resource.properties["MetadataOptions"]) ? [] : [Violation("IMDSv2 not required (IMDSv1 allowed)")]
    }

    static let instancePublicIP = ResourceRule(CheckDefinition(
        id: "FB-NET-013", title: "EC2 instance with a public IP address", level: .warning,
        description: "A network interface of an instance or launch template sets AssociatePublicIpAddress: true.",
        fix: "Place instances in private subnets behind a load balancer or NAT.",
        checkov: ["CKV_AWS_88"]), types: ["AWS::EC2::Instance", "AWS::EC2::LaunchTemplate"]) { resource, _ in
        let interfaces = resource.type == "AWS::EC2::Instance"
            ? resource.properties["NetworkInterfaces"] : resource.properties["LaunchTemplateData"]?["NetworkInterfaces"]
        return (interfaces?.list ?? []).filter { CheckValues.bool($0["AssociatePublicIpAddress"]) == true }.map {
            Violation("AssociatePublicIpAddress is true", line: $0.map?.line(of: "AssociatePublicIpAddress"))
        }
    }

    static let subnetPublicIP = ResourceRule(CheckDefinition(
        id: "FB-NET-014", title: "Subnet assigns public IP addresses on launch", level: .warning,
        description: "An AWS::EC2::Subnet sets MapPublicIpOnLaunch: true.",
        fix: "Set MapPublicIpOnLaunch: false and give public addresses explicitly where needed.",
        cfnNag: ["W33"]), types: ["AWS::EC2::Subnet"]) { resource, _ in
        CheckValues.bool(resource.properties["MapPublicIpOnLaunch"]) == true
            ? [Violation("MapPublicIpOnLaunch is true", line: resource.properties.line(of: "MapPublicIpOnLaunch"))] : []
    }
}
