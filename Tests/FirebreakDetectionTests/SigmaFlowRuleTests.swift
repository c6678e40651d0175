import FirebreakLogs
import Testing
@testable import FirebreakDetection

/// Rules on VPC flow logs, matched on the record's typed fields.
@Suite struct SigmaFlowRuleTests {
    typealias S = SigmaTestSupport

    static func rule(_ detection: String) throws -> CompiledRule {
        try S.compile("""
            title: flow test
            logsource:
                product: aws
                service: vpcflowlogs
            detection:
            \(detection.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            """)
    }

    static func v2(_ src: String, _ dst: String, _ dstport: Int, _ action: String, proto: Int = 6, bytes: Int = 600) throws -> DetectionEvent {
        try S.flow("2 123456789012 eni-0abc \(src) \(dst) 49152 \(dstport) \(proto) 10 \(bytes) 1700000000 1700000060 \(action) OK",
                   network: NetworkContext(internalNetworks: try IPSet(parsing: ["10.0.0.0/16"])))
    }

    @Test func portsActionsAndAddresses() throws {
        let rule = try Self.rule("""
            selection:
                dstport:
                    - 22
                    - 3389
                action: ACCEPT
                dstaddr|cidr: 10.0.0.0/16
                flow-direction: ingress
            condition: selection
            """)
        #expect(rule.rule.logsource.covers(.vpcFlowLogs))
        #expect(rule.matches(try Self.v2("198.51.100.7", "10.0.1.5", 22, "ACCEPT")))
        #expect(rule.matches(try Self.v2("198.51.100.7", "10.0.1.5", 3389, "ACCEPT")))
        #expect(!rule.matches(try Self.v2("198.51.100.7", "10.0.1.5", 22, "REJECT")))
        #expect(!rule.matches(try Self.v2("198.51.100.7", "10.0.1.5", 443, "ACCEPT")))
        // Egress (derived: source inside, destination outside) and a destination outside the CIDR.
        #expect(!rule.matches(try Self.v2("10.0.1.5", "198.51.100.7", 22, "ACCEPT")))
        let fields = rule.matchedFields(try Self.v2("198.51.100.7", "10.0.1.5", 22, "ACCEPT"))
        #expect(fields["dstport"] == [.int(22)])
        #expect(fields["action"] == [.string("ACCEPT")])
        #expect(fields["dstaddr"] == [.address(IPAddress("10.0.1.5")!)])
        #expect(fields["flow-direction"] == [.string("ingress")])
    }

    @Test func typedComparisonsAndStrings() throws {
        let big = try Self.rule("""
            selection:
                bytes|gt: 1000000
                protocol: 17
            condition: selection
            """)
        #expect(big.matches(try Self.v2("10.0.0.1", "203.0.113.1", 53, "ACCEPT", proto: 17, bytes: 5_000_000)))
        #expect(!big.matches(try Self.v2("10.0.0.1", "203.0.113.1", 53, "ACCEPT", proto: 17, bytes: 500)))
        #expect(!big.matches(try Self.v2("10.0.0.1", "203.0.113.1", 53, "ACCEPT", proto: 6, bytes: 5_000_000)))
        let text = try Self.rule("""
            selection:
                dstport: '22'
                action: 'rej*'
                interface-id|startswith: eni-
                srcaddr: 198.51.100.7
            condition: selection
            """)
        #expect(text.matches(try Self.v2("198.51.100.7", "10.0.1.5", 22, "REJECT")))
        #expect(!text.matches(try Self.v2("198.51.100.8", "10.0.1.5", 22, "REJECT")))
        let wildcardAddress = try Self.rule("""
            selection:
                srcaddr: '198.51.100.*'
                dstport|lt: 1024
            condition: selection
            """)
        #expect(wildcardAddress.matches(try Self.v2("198.51.100.99", "10.0.1.5", 22, "REJECT")))
        #expect(!wildcardAddress.matches(try Self.v2("198.51.100.99", "10.0.1.5", 8080, "REJECT")))
    }

    @Test func absentFieldsAndCustomFormats() throws {
        // Version 2 has no vpc-id: null matches, a value does not.
        let null = try Self.rule("selection:\n    vpc-id: null\ncondition: selection")
        #expect(null.matches(try Self.v2("10.0.0.1", "10.0.0.2", 22, "ACCEPT")))
        let vpc = try Self.rule("selection:\n    vpc-id: vpc-0123\n    flow-direction: egress\n    pkt-dstaddr|cidr: 203.0.113.0/24\ncondition: selection")
        #expect(!vpc.matches(try Self.v2("10.0.0.1", "10.0.0.2", 22, "ACCEPT")))
        let format = "${version} ${vpc-id} ${srcaddr} ${dstaddr} ${dstport} ${action} ${flow-direction} ${pkt-dstaddr}"
        let event = try S.flow("5 vpc-0123 10.0.0.1 203.0.113.9 443 ACCEPT egress 203.0.113.9", format: format)
        #expect(vpc.matches(event))
        let ingress = try S.flow("5 vpc-0123 10.0.0.1 203.0.113.9 443 ACCEPT ingress 203.0.113.9", format: format)
        #expect(!vpc.matches(ingress))
        let exists = try Self.rule("selection:\n    tcp-flags|exists: true\ncondition: selection")
        #expect(!exists.matches(event))
    }

    @Test func batchMatchingAgreesWithMatches() throws {
        let rules = [
            try Self.rule("selection:\n    dstport: 22\ncondition: selection"),
            try Self.rule("selection:\n    action: REJECT\ncondition: selection"),
            try Self.rule("selection:\n    dstaddr|cidr: 10.0.0.0/8\ncondition: not selection"),
        ]
        let events = [
            try Self.v2("198.51.100.7", "10.0.1.5", 22, "REJECT"),
            try Self.v2("10.0.1.5", "198.51.100.7", 443, "ACCEPT"),
        ]
        for event in events {
            #expect(CompiledRule.matchingIndices(rules, event) == rules.indices.filter { rules[$0].matches(event) })
        }
        #expect(CompiledRule.matchingIndices(rules, events[0]) == [0, 1])
        #expect(CompiledRule.matchingIndices(rules, events[1]) == [2])
        let trail = try SigmaHQRuleTests.compiled("aws_cloudtrail_disable_logging.yml")
        let stop = try S.cloudTrail(#"{"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging"}"#)
        #expect(CompiledRule.matchingIndices([rules[0], trail], stop) == [1])
    }
}
