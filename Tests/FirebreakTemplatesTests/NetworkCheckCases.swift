enum NetworkCheckCases {
    static let sg = "Type: AWS::EC2::SecurityGroup"
    static let all: [CheckCase] = [
        CheckCase("FB-NET-001", bad: """
            Open: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: "-1", CidrIp: 0.0.0.0/0}]}}
            OpenV6: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 0, ToPort: 65535, CidrIpv6: "::/0"}]}}
            Standalone: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: {Ref: Open}, IpProtocol: -1, CidrIp: 0.0.0.0/0}}
            """, flagged: ["Open", "OpenV6", "Standalone"], good: """
            Web: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: "-1", CidrIp: 10.0.0.0/8}, {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}]}}
            """),
        CheckCase("FB-NET-002", bad: """
            Ssh: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: "22", ToPort: "22", CidrIp: 0.0.0.0/0}]}}
            Range: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: tcp, FromPort: 20, ToPort: 25, CidrIpv6: "::/0"}}
            """, flagged: ["Ssh", "Range"], good: """
            Ssh: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.1.2.3/32}]}}
            """),
        CheckCase("FB-NET-003", bad: """
            Rdp: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/0}]}}
            """, flagged: ["Rdp"], good: """
            Rdp: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 3389, ToPort: 3389, SourceSecurityGroupId: sg-1}]}}
            """),
        CheckCase("FB-NET-004", bad: """
            Telnet: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 23, ToPort: 23, CidrIp: 0.0.0.0/0}]}}
            """, flagged: ["Telnet"], good: """
            Web: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}]}}
            """),
        CheckCase("FB-NET-005", bad: """
            Db: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/0}]}}
            Alt: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: tcp, FromPort: "8080", ToPort: "8080", CidrIp: 0.0.0.0/0}}
            """, flagged: ["Db", "Alt"], good: """
            Web: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}, {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 10.0.0.0/16}]}}
            """),
        CheckCase("FB-NET-006", bad: """
            Wide: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 10.0.0.0/8}]}}
            AllPorts: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: "-1", CidrIp: 192.0.2.0/27}]}}
            """, flagged: ["Wide", "AllPorts"], good: """
            Host: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 10.0.0.1/32}]}}
            PublicPort: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 192.0.2.0/27}]}}
            """),
        CheckCase("FB-NET-007", bad: """
            NoEgress: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x}}
            """, flagged: ["NoEgress"], good: """
            Inline: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]}}
            Separate: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: y}}
            SeparateEgress: {Type: AWS::EC2::SecurityGroupEgress, Properties: {GroupId: {"Fn::GetAtt": [Separate, GroupId]}, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}}
            """),
        CheckCase("FB-NET-008", bad: """
            AllOut: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupEgress: [{IpProtocol: "-1", CidrIp: 0.0.0.0/0}]}}
            """, flagged: ["AllOut"], good: """
            Https: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}]}}
            """),
        CheckCase("FB-NET-009", bad: """
            In: {Type: AWS::EC2::NetworkAclEntry, Properties: {NetworkAclId: acl-1, RuleNumber: 100, Protocol: 6, RuleAction: allow, Egress: false, CidrBlock: 0.0.0.0/0, PortRange: {From: 22, To: 22}}}
            """, flagged: ["In"], good: """
            Out: {Type: AWS::EC2::NetworkAclEntry, Properties: {RuleAction: allow, Egress: true, CidrBlock: 0.0.0.0/0}}
            Deny: {Type: AWS::EC2::NetworkAclEntry, Properties: {RuleAction: deny, Egress: false, CidrBlock: 0.0.0.0/0}}
            Private: {Type: AWS::EC2::NetworkAclEntry, Properties: {RuleAction: allow, Egress: false, CidrBlock: 10.0.0.0/8}}
            """),
        CheckCase("FB-NET-010", bad: """
            Lt: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {ImageId: ami-1, MetadataOptions: {HttpTokens: optional}}}}
            """, flagged: ["Lt"], good: """
            Lt: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {MetadataOptions: {HttpTokens: required}}}}
            """),
        CheckCase("FB-NET-011", bad: """
            Lt: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {ImageId: ami-1}}}
            Vm: {Type: AWS::EC2::Instance, Properties: {LaunchTemplate: {LaunchTemplateId: {Ref: Lt}, Version: 1}}}
            Bare: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-1}}
            """, flagged: ["Vm", "Bare"], good: """
            Lt: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {MetadataOptions: {HttpTokens: required}}}}
            Vm: {Type: AWS::EC2::Instance, Properties: {LaunchTemplate: {LaunchTemplateId: {Ref: Lt}, Version: {"Fn::GetAtt": [Lt, LatestVersionNumber]}}}}
            """),
        CheckCase("FB-NET-012", bad: """
            Lc: {Type: AWS::AutoScaling::LaunchConfiguration, Properties: {ImageId: ami-1}}
            """, flagged: ["Lc"], good: """
            Lc: {Type: AWS::AutoScaling::LaunchConfiguration, Properties: {MetadataOptions: {HttpTokens: required}}}
            """),
        CheckCase("FB-NET-013", bad: """
            Vm: {Type: AWS::EC2::Instance, Properties: {NetworkInterfaces: [{DeviceIndex: 0, AssociatePublicIpAddress: true}]}}
            """, flagged: ["Vm"], good: """
            Vm: {Type: AWS::EC2::Instance, Properties: {NetworkInterfaces: [{DeviceIndex: 0, AssociatePublicIpAddress: false}]}}
            """),
        CheckCase("FB-NET-014", bad: """
            Public: {Type: AWS::EC2::Subnet, Properties: {MapPublicIpOnLaunch: "true"}}
            """, flagged: ["Public"], good: """
            Private: {Type: AWS::EC2::Subnet, Properties: {CidrBlock: 10.0.0.0/24}}
            """),
    ] + portSemantics + metadataSemantics

    /// EC2 port semantics (AWS::EC2::SecurityGroup Ingress, AWS::EC2::SecurityGroupIngress): a range counts as
    /// opening every port in it, protocol -1 opens everything whatever ports it names, and a TCP/UDP rule with
    /// FromPort above ToPort or port -1 (valid only with protocol -1 or ICMP) opens nothing.
    static let portSemantics: [CheckCase] = [
        CheckCase("FB-NET-001", bad: """
            PortsIgnored: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: "-1", FromPort: 443, ToPort: 443, CidrIpv6: "::/0"}]}}
            MinusOne: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: "-1", FromPort: -1, ToPort: -1, CidrIp: 0.0.0.0/0}}
            """, flagged: ["PortsIgnored", "MinusOne"], good: """
            TcpMinusOne: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: -1, ToPort: -1, CidrIp: 0.0.0.0/0}]}}
            UdpMinusOne: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: udp, FromPort: -1, ToPort: -1, CidrIpv6: "::/0"}}
            Reversed: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: tcp, FromPort: 65535, ToPort: 0, CidrIp: 0.0.0.0/0}}
            """),
        CheckCase("FB-NET-002", bad: """
            Low: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 1, ToPort: 1024, CidrIp: 0.0.0.0/0}]}}
            LowV6: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: "6", FromPort: 22, ToPort: 80, CidrIpv6: "::/0"}}
            """, flagged: ["Low", "LowV6"], good: """
            Reversed: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 25, ToPort: 20, CidrIp: 0.0.0.0/0}]}}
            ReversedV6: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: tcp, FromPort: 23, ToPort: 22, CidrIpv6: "::/0"}}
            MinusOne: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: -1, ToPort: -1, CidrIpv6: "::/0"}]}}
            MinusOneV4: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: tcp, FromPort: -1, ToPort: -1, CidrIp: 0.0.0.0/0}}
            Below: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 23, ToPort: 25, CidrIp: 0.0.0.0/0}]}}
            """),
        CheckCase("FB-NET-003", bad: """
            Range: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 3000, ToPort: 4000, CidrIpv6: "::/0"}]}}
            RangeV4: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: tcp, FromPort: 3389, ToPort: 3390, CidrIp: 0.0.0.0/0}}
            """, flagged: ["Range", "RangeV4"], good: """
            Reversed: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 4000, ToPort: 3000, CidrIp: 0.0.0.0/0}]}}
            MinusOne: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: udp, FromPort: -1, ToPort: -1, CidrIpv6: "::/0"}}
            """),
        CheckCase("FB-NET-004", bad: """
            Vnc: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 5900, ToPort: 5910, CidrIpv6: "::/0"}]}}
            WinRM: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: tcp, FromPort: 5980, ToPort: 5990, CidrIp: 0.0.0.0/0}}
            """, flagged: ["Vnc", "WinRM"], good: """
            Reversed: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 5986, ToPort: 5985, CidrIp: 0.0.0.0/0}]}}
            MinusOne: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: tcp, FromPort: -1, ToPort: -1, CidrIpv6: "::/0"}}
            """),
        CheckCase("FB-NET-005", bad: """
            Range: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 8000, ToPort: 8100, CidrIp: 0.0.0.0/0}]}}
            """, flagged: ["Range"], good: """
            Reversed: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 8100, ToPort: 8000, CidrIp: 0.0.0.0/0}]}}
            MinusOne: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: udp, FromPort: -1, ToPort: -1, CidrIpv6: "::/0"}}
            """),
        CheckCase("FB-NET-006", bad: """
            Range: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 1000, ToPort: 2000, CidrIp: 10.0.0.0/8}]}}
            """, flagged: ["Range"], good: """
            Reversed: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 2000, ToPort: 1000, CidrIp: 10.0.0.0/8}]}}
            MinusOne: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-1, IpProtocol: tcp, FromPort: -1, ToPort: -1, CidrIpv6: "2001:db8::/32"}}
            """),
    ]

    /// IMDSv1 is off when HttpTokens is required or the metadata endpoint is disabled.
    static let metadataSemantics: [CheckCase] = [
        CheckCase("FB-NET-010", bad: """
            Enabled: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {MetadataOptions: {HttpEndpoint: enabled, HttpTokens: optional}}}}
            NoOptions: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {ImageId: ami-1}}}
            """, flagged: ["Enabled", "NoOptions"], good: """
            Disabled: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {MetadataOptions: {HttpEndpoint: disabled}}}}
            Required: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {MetadataOptions: {HttpEndpoint: enabled, HttpTokens: required}}}}
            """),
        CheckCase("FB-NET-011", bad: """
            Optional: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-1, MetadataOptions: {HttpEndpoint: enabled, HttpTokens: optional}}}
            """, flagged: ["Optional"], good: """
            Off: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-1, MetadataOptions: {HttpEndpoint: disabled}}}
            Required: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-1, MetadataOptions: {HttpTokens: required}}}
            Lt: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {MetadataOptions: {HttpEndpoint: disabled}}}}
            FromLt: {Type: AWS::EC2::Instance, Properties: {LaunchTemplate: {LaunchTemplateId: {Ref: Lt}, Version: {"Fn::GetAtt": [Lt, LatestVersionNumber]}}}}
            """),
        CheckCase("FB-NET-012", bad: """
            Lc: {Type: AWS::AutoScaling::LaunchConfiguration, Properties: {ImageId: ami-1, MetadataOptions: {HttpEndpoint: enabled}}}
            """, flagged: ["Lc"], good: """
            Lc: {Type: AWS::AutoScaling::LaunchConfiguration, Properties: {ImageId: ami-1, MetadataOptions: {HttpEndpoint: disabled}}}
            """),
    ]
}
