import FirebreakDetection
import Testing
@testable import FirebreakResponse

@Suite struct PlaybookParserTests {
    func error(_ yaml: String) -> PlaybookError? {
        do {
            _ = try PlaybookSet.parse(yaml: yaml, source: "pb.yaml")
            return nil
        } catch let error as PlaybookError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func fullSyntax() throws {
        let set = try PlaybookSet.parse(yaml: """
            protected: {tags: {keep: "yes"}, ids: [i-1, sg-2]}
            blast_radius: {max_destructive: 2, window: 90s}
            idempotency_window: 2h
            playbooks:
              - name: p
                description: d
                match: {rules: [r1, r2], tags: [attack.t1071], level: medium, logsource: vpcflowlogs}
                scope:
                  accounts: ["123456789012"]
                  regions: us-east-1
                  vpcs: [vpc-1]
                  subnets: [subnet-1]
                  instances: [i-9]
                  tags: {Honeypot: true}
                  exclude: {instances: [i-8], tags: {Env: prod}}
                steps:
                  - tag: {key: firebreak:finding, value: "{finding_id}"}
                  - snapshot
                  - protect-evidence
                  - isolate: {security_group: sg-q}
                  - stop
                  - terminate
                  - revoke-ingress
                  - start-logging
                  - alert: {subject: "s", topic: "arn:aws:sns:us-east-1:123456789012:t"}
                  - event: {bus: security-findings}
              - name: f
                fallback: true
                match: {level: critical}
                steps: [alert]
            """, source: "pb.yaml")
        #expect(set.protected == ProtectedResources(tags: ["keep": "yes"], ids: ["i-1", "sg-2"]))
        #expect(set.blastRadius == BlastRadius(maxDestructive: 2, windowSeconds: 90))
        #expect(set.idempotencyWindowSeconds == 7200)
        let p = set.playbooks[0]
        #expect(p.match == PlaybookMatch(rules: ["r1", "r2"], tags: ["attack.t1071"], level: .medium, logSource: "vpcflowlogs"))
        #expect(p.scope.include == ScopeSelector(accounts: ["123456789012"], regions: ["us-east-1"], vpcs: ["vpc-1"],
                                                 subnets: ["subnet-1"], instances: ["i-9"], tags: ["Honeypot": "true"]))
        #expect(p.scope.exclude == ScopeSelector(instances: ["i-8"], tags: ["Env": "prod"]))
        // Every step a playbook can name (the Security Hub export is configured, not a step).
        #expect(p.steps.map(\.kind) == StepKind.allCases.filter(\.isPlaybookStep))
        #expect(p.steps[0].options == ["key": "firebreak:finding", "value": "{finding_id}"])
        #expect(set.playbooks[1].fallback && set.playbooks[1].match.level == .critical)
    }

    @Test func errorsNameTheFileAndThePlaybook() {
        let unknownStep = error("""
            playbooks:
              - name: contain
                match: {level: high}
                steps: [snapshot, nuke]
            """)
        #expect(unknownStep?.playbook == "contain")
        #expect(unknownStep?.description.hasPrefix("pb.yaml:4: playbook 'contain': unknown step 'nuke'") == true)

        #expect(error("playbooks:\n  - name: x\n    match: {level: high}\n    steps: [alert]\n    when: always\n")?.description
                .contains("pb.yaml:5: playbook 'x': unknown key 'when'") == true)
        #expect(error("playbooks: []\nmode: enforce\n")?.description.contains("unknown key 'mode'") == true)
        #expect(error("playbooks:\n  - name: x\n    match: {level: high, rule: [a]}\n    steps: [alert]\n")?.message
                .contains("unknown key 'rule' in match") == true)
        #expect(error("playbooks:\n  - name: x\n    match: {level: high}\n    scope: {tag: {a: b}}\n    steps: [alert]\n")?.message
                .contains("unknown key 'tag' in scope") == true)
        #expect(error("playbooks:\n  - name: x\n    match: {level: high}\n    scope: {exclude: {exclude: {}}}\n    steps: [alert]\n")?.message
                .contains("unknown key 'exclude' in scope.exclude") == true)
        #expect(error("playbooks:\n  - name: x\n    match: {level: high}\n    steps: [alert: {subjet: s}]\n")?.message
                .contains("unknown option 'subjet' of step alert") == true)
        #expect(error("playbooks:\n  - name: x\n    match: {level: high}\n    steps: [tag: {key: k}]\n")?.message
                == "step tag needs option 'value'")
        #expect(error("playbooks:\n  - name: x\n    match: {level: severe}\n    steps: [alert]\n")?.message.contains("match.level") == true)
        #expect(error("playbooks:\n  - name: x\n    match: {logsource: syslog}\n    steps: [alert]\n")?.message.contains("match.logsource") == true)
        #expect(error("playbooks:\n  - name: x\n    match: {}\n    steps: [alert]\n")?.message.contains("at least one of") == true)
        #expect(error("playbooks:\n  - name: x\n    match: {level: high}\n    steps: []\n")?.message == "missing or empty `steps`")
        #expect(error("playbooks:\n  - name: x\n    match: {level: high}\n    steps: [terminate, snapshot]\n")?.message
                == "`snapshot` must come before `terminate` (evidence before containment)")
        #expect(error("playbooks:\n  - name: x\n    match: {level: high}\n    steps: [alert]\n  - name: x\n    match: {level: low}\n    steps: [alert]\n")?
                .message == "duplicate playbook name")
        #expect(error("blast_radius: {max_destructive: 5, window: soon}\nplaybooks: []\n")?.message.contains("blast_radius.window") == true)
        #expect(error("blast_radius: {max_destructive: -1}\nplaybooks: []\n")?.message.contains("max_destructive") == true)
        #expect(error("protected: {labels: {}}\nplaybooks: []\n")?.message.contains("unknown key 'labels' in protected") == true)
        #expect(error("playbooks:\n  - match: {level: high}\n    steps: [alert]\n")?.message == "playbook without a `name`")
        #expect(error("idempotency_window: 1h\n")?.message == "missing `playbooks` list")
        // The Security Hub export is configured (export.securityhub.enabled), not a step; its plan's name is reserved.
        #expect(error("playbooks:\n  - name: x\n    match: {level: high}\n    steps: [securityhub]\n")?.message
                .contains("'securityhub' is not a playbook step") == true)
        #expect(error("playbooks:\n  - name: export\n    match: {level: high}\n    steps: [alert]\n")?.message
                .contains("reserved for the exports") == true)
        #expect(error("playbooks:\n  - name: x\n    match: {level: high}\n    steps: [event]\n")?.message == "step event needs option 'bus'")
        #expect(error("playbooks:\n  - name: x\n    match: {level: high}\n    steps: [event: {bus: \"a b\"}]\n")?.message
                .contains("bus is an EventBridge event bus name") == true)
        #expect(error("playbooks: [\n")?.message.hasPrefix("invalid YAML") == true)
    }

    @Test func loadNamesAMissingFile() {
        #expect(throws: PlaybookError.self) { try PlaybookSet.load(path: "/nonexistent/playbooks.yaml") }
    }
}
