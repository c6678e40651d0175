import FirebreakAWS
import FirebreakDetection
import FirebreakLogs
import Testing
@testable import FirebreakResponse

/// The default `config/playbooks.yaml` on findings of the built-in rule pack.
@Suite struct ResponsePlannerTests {
    let enforce = ResponsePlanner(playbooks: Fixtures.defaultPlaybooks, mode: .enforce)

    @Test func defaultFileLoads() {
        let set = Fixtures.defaultPlaybooks
        #expect(set.playbooks.map(\.name) == ["honeypot-egress-contain", "honeypot-unexpected-port", "world-open-ingress-revoke",
                                              "cloudtrail-restart-logging", "unclaimed-high-alert"])
        #expect(set.blastRadius == BlastRadius(maxDestructive: 5, windowSeconds: 600))
        #expect(set.idempotencyWindowSeconds == 3600)
        #expect(set.protected.tags == ["firebreak:protected": "true"])
        #expect(set.playbooks.filter(\.fallback).map(\.name) == ["unclaimed-high-alert"])
    }

    @Test func egressRejectSnapshotsThenTerminatesThenAlerts() throws {
        let finding = try Fixtures.finding(Fixtures.egressRejected,
                                           flow: Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT"))
        let plan = enforce.plan(finding)
        let honeypot = plan.filter { $0.playbook == "honeypot-egress-contain" }
        #expect(honeypot.map(\.step.kind) == [.snapshot, .terminate, .alert])
        #expect(honeypot.map(\.sequence) == [0, 1, 2])
        #expect(plan.map(\.sequence) == Array(0..<plan.count))
        #expect(honeypot.allSatisfy { $0.state == .pending && $0.reason == nil })
        #expect(honeypot[0].resourceType == "instance" && honeypot[0].resourceID == "i-0123456789abcdef0")
        #expect(honeypot[0].idempotencyKey == "snapshot|instance|i-0123456789abcdef0")
        #expect(honeypot[1].idempotencyKey == "terminate|instance|i-0123456789abcdef0")
        #expect(honeypot[2].idempotencyKey == "alert|\(Fixtures.egressRejected)|instance|i-0123456789abcdef0")
        #expect(Set(plan.map(\.id)).count == plan.count)
        #expect(plan.allSatisfy { $0.findingID == finding.id && $0.ruleID == Fixtures.egressRejected })

        // Snapshot payload: tags naming the finding and rule.
        let snapshot = try Fixtures.payload(honeypot[0])
        #expect(snapshot["tags"]?["firebreak:finding"]?.stringValue == finding.id)
        #expect(snapshot["tags"]?["firebreak:rule"]?.stringValue == Fixtures.egressRejected)
        // The terminate after a snapshot requires the snapshot (evidence before containment, checked again at run).
        #expect(try Fixtures.payload(honeypot[1])["requireSnapshot"]?.boolValue == true)
        // Alert payload: subject, message, the finding, attributes.
        let alert = try Fixtures.payload(honeypot[2])
        #expect(alert["subject"]?.stringValue == "Firebreak: honeypot i-0123456789abcdef0 contained (Instance Outbound Traffic Rejected)")
        #expect(alert["level"]?.stringValue == "high")
        #expect(alert["ruleId"]?.stringValue == Fixtures.egressRejected)
        #expect(alert["finding"] == nil, "the alert reads the finding from the store when it is sent")
        #expect(alert["message"]?.stringValue?.contains("Resource: instance i-0123456789abcdef0") == true)
        var resolved = finding
        resolved.resolveResource()
        let resource = resolved.resource
        let location = ["instance i-0123456789abcdef0", resource.interfaceID.map { " (ENI \($0))" },
                        resource.accountID.map { ", account \($0)" }, resource.region.map { ", \($0)" },
                        resource.vpcID.map { ", \($0)" }].compactMap { $0 }.joined()
        #expect(resource.interfaceID != nil && resource.accountID != nil && resource.vpcID != nil)
        #expect(alert["message"]?.stringValue == [
            "Instance Outbound Traffic Rejected (high)", "Rule: \(Fixtures.egressRejected)", "Finding: \(finding.id)",
            "Time: \(finding.timeText)", "Resource: \(location)",
            "Playbook: honeypot-egress-contain (snapshot, terminate, alert); mode enforce",
        ].joined(separator: "\n"))

        // The honeypot tag is only known to EC2: the fallback alert is planned too, conditional on the claim.
        let fallback = plan.filter { $0.playbook == "unclaimed-high-alert" }
        #expect(fallback.map(\.step.kind) == [.alert])
        #expect(fallback[0].unlessClaimedBy == ["honeypot-egress-contain"])
        #expect(fallback[0].idempotencyKey.hasSuffix("|unclaimed"))
    }

    @Test func knownBadContactIsContainedToo() throws {
        let finding = try Fixtures.finding(Fixtures.knownBad,
                                           flow: Fixtures.flowLine(destination: "203.0.113.66", port: 443, action: "ACCEPT"))
        let plan = enforce.plan(finding).filter { $0.playbook == "honeypot-egress-contain" }
        #expect(plan.map(\.step.kind) == [.snapshot, .terminate, .alert])
    }

    @Test func planIsStableAcrossRedelivery() throws {
        let line = Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT")
        let first = enforce.plan(try Fixtures.finding(Fixtures.egressRejected, flow: line))
        let second = enforce.plan(try Fixtures.finding(Fixtures.egressRejected, flow: line))
        #expect(first == second)
    }

    @Test func sameInstanceSameKeyAcrossFindings() throws {
        let a = enforce.plan(try Fixtures.finding(Fixtures.egressRejected,
                                                  flow: Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT")))
        let b = enforce.plan(try Fixtures.finding(Fixtures.egressRejected,
                                                  flow: Fixtures.flowLine(destination: "192.0.2.45", port: 6667, action: "REJECT")))
        #expect(a.first { $0.step.kind == .terminate }?.idempotencyKey == b.first { $0.step.kind == .terminate }?.idempotencyKey)
        #expect(a.first { $0.step.kind == .terminate }?.id == b.first { $0.step.kind == .terminate }?.id)
        // One rule on one instance in one window is one finding (its matches counted): the same id.
        #expect(a[0].findingID == b[0].findingID)
    }

    @Test func version2RecordActsOnTheENI() throws {
        let finding = try Fixtures.finding(
            Fixtures.egressRejected,
            flow: "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.5 203.0.113.50 43512 6667 6 3 180 1700000100 1700000160 REJECT OK",
            format: nil)
        let plan = enforce.plan(finding).filter { $0.playbook == "honeypot-egress-contain" }
        #expect(plan.map(\.step.kind) == [.snapshot, .terminate, .alert])
        #expect(plan.allSatisfy { $0.resourceType == "network-interface" && $0.resourceID == "eni-0a1b2c3d4e5f60718" })
    }

    @Test func unexpectedPortAlertsOnly() throws {
        let finding = try Fixtures.finding(Fixtures.unexpectedPort,
                                           flow: Fixtures.flowLine(destination: "203.0.113.50", port: 6667, action: "ACCEPT",
                                                                   srcport: 44312))
        let plan = enforce.plan(finding)
        #expect(plan.map(\.step.kind) == [.alert])
        #expect(plan[0].playbook == "honeypot-unexpected-port")
        #expect(plan[0].state == .pending)
    }

    static let worldOpenRequest = """
        {"groupId":"sg-0a1b2c3d4e5f60718","ipPermissions":{"items":[
          {"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0","description":"ssh"}]},
           "ipv6Ranges":{"items":[{"cidrIpv6":"::/0"}]},"prefixListIds":{}},
          {"ipProtocol":"tcp","fromPort":8080,"toPort":8081,"groups":{"items":[{"groupId":"sg-0fedcba9876543210","userId":"123456789012"}]},
           "ipRanges":{},"ipv6Ranges":{},"prefixListIds":{"items":[{"prefixListId":"pl-0123456789abcdef0"}]}}]}}
        """

    @Test func worldOpenIngressRevokesExactlyTheEventsPermissionsThenAlerts() throws {
        let json = Fixtures.cloudTrail(eventSource: "ec2.amazonaws.com", eventName: "AuthorizeSecurityGroupIngress",
                                       requestParameters: Self.worldOpenRequest,
                                       responseElements: #"{"_return":true,"securityGroupRuleSet":{"items":[{"securityGroupRuleId":"sgr-1"},{"securityGroupRuleId":"sgr-2"}]}}"#)
        let finding = try Fixtures.finding(Fixtures.worldOpen, cloudTrail: json)
        let plan = enforce.plan(finding)
        #expect(plan.map(\.step.kind) == [.revokeIngress, .alert])
        #expect(plan.map(\.playbook) == ["world-open-ingress-revoke", "world-open-ingress-revoke"])
        let revoke = plan[0]
        #expect(revoke.state == .pending)
        #expect(revoke.resourceType == "security-group" && revoke.resourceID == "sg-0a1b2c3d4e5f60718")
        #expect(revoke.idempotencyKey == "revoke-ingress|security-group|sg-0a1b2c3d4e5f60718|event=a83c546d-bc4d-43dc-96c9-3f01a9f18630")
        let payload = try Fixtures.payload(revoke)
        #expect(payload["groupId"]?.stringValue == "sg-0a1b2c3d4e5f60718")
        #expect(payload["securityGroupRuleIds"] == .array([.string("sgr-1"), .string("sgr-2")]))
        #expect(try Fixtures.permissions(revoke) == [
            EC2IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("0.0.0.0/0", description: "ssh")],
                            ipv6Ranges: [EC2IpRange("::/0")]),
            EC2IpPermission(ipProtocol: "tcp", fromPort: 8080, toPort: 8081, groupIds: ["sg-0fedcba9876543210"],
                            prefixListIds: ["pl-0123456789abcdef0"]),
        ])
    }

    @Test func legacyIngressShape() throws {
        let json = Fixtures.cloudTrail(eventSource: "ec2.amazonaws.com", eventName: "AuthorizeSecurityGroupIngress",
                                       requestParameters: #"{"groupId":"sg-0a1b2c3d4e5f60718","ipProtocol":"tcp","fromPort":3389,"toPort":3389,"cidrIp":"0.0.0.0/0"}"#)
        let plan = enforce.plan(try Fixtures.finding(Fixtures.worldOpen, cloudTrail: json))
        #expect(try Fixtures.permissions(plan[0]) == [
            EC2IpPermission(ipProtocol: "tcp", fromPort: 3389, toPort: 3389, ipv4Ranges: [EC2IpRange("0.0.0.0/0")]),
        ])
    }

    @Test func stopLoggingStartsLoggingAndAlerts() throws {
        let trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events"
        let json = Fixtures.cloudTrail(eventSource: "cloudtrail.amazonaws.com", eventName: "StopLogging",
                                       requestParameters: #"{"name":"\#(trail)"}"#)
        let plan = enforce.plan(try Fixtures.finding(Fixtures.loggingStopped, cloudTrail: json))
        #expect(plan.map(\.step.kind) == [.startLogging, .alert])
        #expect(plan[0].state == .pending)
        #expect(plan[0].resourceType == "trail" && plan[0].resourceID == trail)
        #expect(try Fixtures.payload(plan[0])["trail"]?.stringValue == trail)
        #expect(try Fixtures.payload(plan[0])["region"]?.stringValue == "us-east-1")
    }

    @Test func deletedTrailCannotBeRestarted() throws {
        let json = Fixtures.cloudTrail(eventSource: "cloudtrail.amazonaws.com", eventName: "DeleteTrail",
                                       requestParameters: #"{"name":"management-events"}"#)
        let plan = enforce.plan(try Fixtures.finding(Fixtures.loggingStopped, cloudTrail: json))
        #expect(plan.map(\.step.kind) == [.startLogging, .alert])
        #expect(plan[0].state == .skipped)
        #expect(plan[0].reason?.contains("DeleteTrail") == true)
        #expect(plan[1].state == .pending)
    }

    @Test func unclaimedHighFindingGetsTheFallbackAlert() throws {
        let json = Fixtures.cloudTrail(eventSource: "guardduty.amazonaws.com", eventName: "DeleteDetector",
                                       requestParameters: #"{"detectorId":"12abc34d567e8fa901bc2d34e56789f0"}"#)
        let finding = try Fixtures.finding("0075a79f-051b-4859-b699-33380c74e861", cloudTrail: json)  // GuardDuty disabled
        let plan = enforce.plan(finding)
        #expect(plan.map(\.step.kind) == [.alert])
        #expect(plan[0].playbook == "unclaimed-high-alert")
        #expect(plan[0].unlessClaimedBy.isEmpty)
        #expect(!plan[0].idempotencyKey.hasSuffix("|unclaimed"))
        #expect(try Fixtures.payload(plan[0])["subject"]?.stringValue == "Firebreak high: \(finding.ruleTitle)")
    }

    @Test func observeModeSkipsAccountChangesButAlerts() throws {
        let observe = ResponsePlanner(playbooks: Fixtures.defaultPlaybooks, mode: .observe)
        let finding = try Fixtures.finding(Fixtures.egressRejected,
                                           flow: Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT"))
        let plan = observe.plan(finding).filter { $0.playbook == "honeypot-egress-contain" }
        #expect(plan.map(\.step.kind) == [.snapshot, .terminate, .alert])
        #expect(plan.map(\.state) == [.skipped, .skipped, .pending])
        #expect(plan[0].reason == "observe mode: snapshot would change the account")
        #expect(plan[1].reason == "observe mode: terminate would change the account")
        #expect(try Fixtures.payload(plan[2])["message"]?.stringValue?.contains("Observe mode") == true)
        // Same keys as in enforce mode: switching modes does not change identities.
        #expect(plan.map(\.idempotencyKey) == enforce.plan(finding).filter { $0.playbook == "honeypot-egress-contain" }.map(\.idempotencyKey))
    }

    @Test func dryRunPlansLikeEnforce() throws {
        let dryRun = ResponsePlanner(playbooks: Fixtures.defaultPlaybooks, mode: .dryRun)
        let finding = try Fixtures.finding(Fixtures.egressRejected,
                                           flow: Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT"))
        #expect(dryRun.plan(finding).allSatisfy { $0.state == .pending })
    }

    @Test func protectedIDIsSkippedAndTheAlertSaysSo() throws {
        var set = Fixtures.defaultPlaybooks
        set.protected.ids = ["i-0123456789abcdef0"]
        let finding = try Fixtures.finding(Fixtures.egressRejected,
                                           flow: Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT"))
        let plan = ResponsePlanner(playbooks: set, mode: .enforce).plan(finding).filter { $0.playbook == "honeypot-egress-contain" }
        #expect(plan.map(\.state) == [.skipped, .skipped, .pending])
        #expect(plan[0].reason == "protected resource i-0123456789abcdef0 (listed in protected.ids): not changed")
        #expect(try Fixtures.payload(plan[2])["message"]?.stringValue?.contains("i-0123456789abcdef0 is protected") == true)
    }

    @Test func scopeKnownFromTheFindingFiltersAtPlanning() throws {
        let yaml = """
            playbooks:
              - name: prod-only
                match: {rules: [\(Fixtures.egressRejected)]}
                scope: {accounts: ["999999999999"]}
                steps: [snapshot, stop]
              - name: not-this-subnet
                match: {level: high}
                scope: {exclude: {subnets: [subnet-0a9b8c7d6e5f40312]}}
                steps: [terminate]
              - name: this-vpc
                match: {logsource: vpcflowlogs}
                scope: {vpcs: [vpc-0f1e2d3c4b5a69788], regions: [us-east-1]}
                steps: [isolate]
            """
        let set = try PlaybookSet.parse(yaml: yaml, source: "test.yaml")
        let finding = try Fixtures.finding(Fixtures.egressRejected,
                                           flow: Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT"))
        // The v3 record carries no region: `regions` stays undecided and the executor checks it.
        let plan = ResponsePlanner(playbooks: set, mode: .enforce).plan(finding)
        #expect(plan.map(\.playbook) == ["this-vpc"])
    }

    @Test func allMatchingPlaybooksRunDeduplicatedAndEvidenceFirst() throws {
        let yaml = """
            playbooks:
              - name: kill
                match: {rules: [\(Fixtures.egressRejected)]}
                steps: [tag: {key: "firebreak:finding", value: "{finding_id}"}, terminate]
              - name: evidence
                match: {tags: [ATTACK.T1071]}
                steps: [snapshot, terminate, alert]
            """
        let set = try PlaybookSet.parse(yaml: yaml, source: "test.yaml")
        let finding = try Fixtures.finding(Fixtures.egressRejected,
                                           flow: Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT"))
        let plan = ResponsePlanner(playbooks: set, mode: .enforce).plan(finding)
        #expect(plan.map(\.step.kind) == [.tag, .snapshot, .terminate, .alert])
        #expect(plan.map(\.playbook) == ["kill", "evidence", "kill", "evidence"])
        #expect(try Fixtures.payload(plan[0])["value"]?.stringValue == finding.id)
    }

    /// An event per finding and bus: two playbooks naming two buses put it on both, the same bus once; the actions
    /// carry the finding's account (the flow record's) to be described there.
    @Test func eventsArePlannedOncePerBus() throws {
        let yaml = """
            playbooks:
              - name: to-security
                match: {rules: [\(Fixtures.egressRejected)]}
                steps: [event: {bus: security-findings}]
              - name: to-soc
                match: {tags: [attack.t1071]}
                steps: [event: {bus: soc}]
              - name: to-security-again
                match: {level: high}
                steps: [event: {bus: security-findings}]
            """
        let set = try PlaybookSet.parse(yaml: yaml, source: "test.yaml")
        let finding = try Fixtures.finding(Fixtures.egressRejected,
                                           flow: Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT"))
        let plan = ResponsePlanner(playbooks: set, mode: .observe).plan(finding)
        #expect(plan.map(\.playbook) == ["to-security", "to-soc"])
        #expect(plan.allSatisfy { $0.state == .pending })
        #expect(try plan.map { try Fixtures.payload($0)["bus"]?.stringValue } == ["security-findings", "soc"])
        #expect(plan.allSatisfy { $0.place == ActionPlace(account: "123456789012", region: nil) })
    }

    /// Every option a step declares changes the payload it is planned with, placeholders filled: an option that
    /// reached no payload would be accepted by the parser and silently ignored. (What the runner does with each
    /// payload field: StepRunnerMotoTests — tag, snapshot description and tags, isolate's group, the alert's
    /// topic; the subject below.)
    @Test func everyDeclaredOptionReachesThePayload() throws {
        let finding = try Fixtures.finding(Fixtures.egressRejected,
                                           flow: Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT"))
        var checked: [String] = []
        for kind in StepKind.allCases {
            let declaration = StepRegistry.step(kind)
            for option in declaration.allowedOptions.sorted() {
                var base: [String: String] = [:]
                for required in declaration.requiredOptions { base[required] = "base" }
                var with = base
                // A bus is a name (no placeholders, no spaces).
                with[option] = option == "summary" ? "true" : kind == .event ? "security-findings" : "set {finding_id}"
                if base[option] == nil { base[option] = nil }
                func payload(_ options: [String: String]) throws -> JSONValue {
                    let options = options.map { "\($0.key): \"\($0.value)\"" }.sorted().joined(separator: ", ")
                    let step = options.isEmpty ? kind.rawValue : "{\(kind.rawValue): {\(options)}}"
                    let yaml = "playbooks:\n  - name: p\n    match: {rules: [\(Fixtures.egressRejected)]}\n    steps: [\(step)]\n"
                    let set = try PlaybookSet.parse(yaml: yaml, source: "options.yaml")
                    let action = try #require(ResponsePlanner(playbooks: set, mode: .enforce).plan(finding).first)
                    return try Fixtures.payload(action)
                }
                let planned = try payload(with)
                #expect(planned != (try payload(base)), "\(kind.rawValue): option \(option) changes nothing")
                // Text options get placeholders filled; ids (a topic ARN, a security group) are taken as they are.
                let expected = option == "summary" ? "\"summary\":true" : kind == .event ? "\"bus\":\"security-findings\""
                    : ["alert.topic", "isolate.security_group"].contains("\(kind.rawValue).\(option)")
                    ? "set {finding_id}" : "set \(finding.id)"
                #expect(planned.serialized().contains(expected), "\(kind.rawValue): option \(option): \(planned.serialized())")
                checked.append("\(kind.rawValue).\(option)")
            }
        }
        #expect(checked.sorted() == ["alert.subject", "alert.summary", "alert.topic", "event.bus", "isolate.security_group",
                                     "snapshot.description", "tag.key", "tag.value"])
    }

    /// Placeholders are filled in one pass: each known name once, unknown names and stray braces kept as written, and
    /// a value that itself looks like a placeholder is not filled again.
    @Test func placeholdersAreFilledOnceAndUnknownOnesKept() throws {
        let finding = try Fixtures.finding(Fixtures.egressRejected,
                                           flow: Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT"))
        let set = try PlaybookSet.parse(yaml: "playbooks:\n  - name: \"{level}\"\n    match: {rules: [\(Fixtures.egressRejected)]}\n    steps: [alert]\n",
                                        source: "fill.yaml")
        let plan = StepPlan(step: set.playbooks[0].steps[0], finding: finding, playbook: set.playbooks[0],
                            mode: .observe, protectedIDs: [])
        #expect(plan.fill("no braces") == "no braces")
        #expect(plan.fill("{level}/{rule_id}/{level}") == "\(finding.level.rawValue)/\(finding.ruleID)/\(finding.level.rawValue)")
        #expect(plan.fill("{ {level} {unknown} {") == "{ \(finding.level.rawValue) {unknown} {")
        #expect(plan.fill("{resource_id}") == (finding.resource.id ?? ""))
        #expect(plan.fill("p={playbook}") == "p={level}")   // the playbook's name is taken as it is
        #expect(plan.fill("}{finding_id}{") == "}\(finding.id){")
    }

    /// Without `alerts.sns_topic_arn` an alert is planned skipped, saying why (the executor would only skip it, one
    /// store write each); an alert step with its own topic is still planned to run.
    @Test func withoutAnAlertTopicAlertsArePlannedSkipped() throws {
        func set(_ step: String) throws -> PlaybookSet {
            try PlaybookSet.parse(yaml: "playbooks:\n  - name: p\n    match: {rules: [\(Fixtures.egressRejected)]}\n    steps: [\(step)]\n",
                                  source: "topics.yaml")
        }
        let finding = try Fixtures.finding(Fixtures.egressRejected,
                                           flow: Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT"))
        let plain = try set("{alert: {subject: s}}")
        let ownTopic = try set(#"{alert: {topic: "arn:aws:sns:us-east-1:123456789012:own"}}"#)
        let skipped = try #require(ResponsePlanner(playbooks: plain, mode: .enforce, alertTopicConfigured: false).plan(finding).first)
        #expect(skipped.state == .skipped && skipped.reason == "no alerts.sns_topic_arn configured")
        #expect(ResponsePlanner(playbooks: ownTopic, mode: .enforce, alertTopicConfigured: false).plan(finding).map(\.state) == [.pending])
        #expect(ResponsePlanner(playbooks: plain, mode: .enforce).plan(finding).map(\.state) == [.pending])
    }
}
