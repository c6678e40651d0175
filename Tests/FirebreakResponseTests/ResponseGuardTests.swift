import FirebreakDetection
import Testing
@testable import FirebreakResponse

/// The executor's last check: scope by real tags, protection by tag, the blast-radius limit.
@Suite struct ResponseGuardTests {
    let guard_ = ResponseGuard(playbooks: Fixtures.defaultPlaybooks)

    func egressPlan(mode: ResponseMode = .enforce) throws -> [PlannedAction] {
        let finding = try Fixtures.finding(Fixtures.egressRejected,
                                           flow: Fixtures.flowLine(destination: "192.0.2.44", port: 4444, action: "REJECT"))
        return ResponsePlanner(playbooks: Fixtures.defaultPlaybooks, mode: mode).plan(finding)
    }

    func facts(tags: [String: String], state: String = "running") -> ResourceFacts {
        ResourceFacts(instanceID: "i-0123456789abcdef0", interfaceID: "eni-0a1b2c3d4e5f60718", securityGroupIDs: ["sg-1"],
                      accountID: "123456789012", region: "us-east-1", vpcID: "vpc-0f1e2d3c4b5a69788",
                      subnetID: "subnet-0a9b8c7d6e5f40312", tags: tags, state: state)
    }

    @Test func honeypotInScopeProceedsAndTheFallbackStandsDown() throws {
        let plan = try egressPlan()
        let honeypot = facts(tags: ["Honeypot": "true", "Name": "trap-1"])
        let decisions = plan.map { guard_.evaluate(action: $0, facts: honeypot, recentDestructiveCount: 0, mode: .enforce) }
        #expect(plan.map(\.playbook) == ["honeypot-egress-contain", "honeypot-egress-contain", "honeypot-egress-contain",
                                         "unclaimed-high-alert"])
        #expect(decisions == [.proceed, .proceed, .proceed, .skip("claimed by playbook honeypot-egress-contain")])
    }

    @Test func missingHoneypotTagSkipsThePlaybookAndTheFallbackAlerts() throws {
        let plan = try egressPlan()
        let ordinary = facts(tags: ["Name": "web-1"])
        let decisions = plan.map { guard_.evaluate(action: $0, facts: ordinary, recentDestructiveCount: 0, mode: .enforce) }
        let skip = ResponseGuard.Decision.skip("out of scope of playbook honeypot-egress-contain: tag Honeypot=true missing")
        #expect(decisions == [skip, skip, skip, .proceed])
        // A different value is not the tag either.
        let wrong = facts(tags: ["Honeypot": "false"])
        #expect(guard_.evaluate(action: plan[1], facts: wrong, recentDestructiveCount: 0, mode: .enforce) == skip)
    }

    @Test func protectedTagIsNeverChanged() throws {
        let plan = try egressPlan()
        let protected = facts(tags: ["Honeypot": "true", "firebreak:protected": "true"])
        let decisions = plan.map { guard_.evaluate(action: $0, facts: protected, recentDestructiveCount: 0, mode: .enforce) }
        let skip = ResponseGuard.Decision.skip("protected resource i-0123456789abcdef0 (tag firebreak:protected=true): not changed")
        #expect(decisions[0] == skip)
        #expect(decisions[1] == skip)
        #expect(decisions[2] == .proceed, "the alert still goes out")
    }

    @Test func protectedIDListedAfterPlanningIsStillHonoured() throws {
        var set = Fixtures.defaultPlaybooks
        set.protected.ids = ["eni-0a1b2c3d4e5f60718"]
        let plan = try egressPlan()
        let decision = ResponseGuard(playbooks: set).evaluate(action: plan[1], facts: facts(tags: ["Honeypot": "true"]),
                                                              recentDestructiveCount: 0, mode: .enforce)
        #expect(decision == .skip("protected resource eni-0a1b2c3d4e5f60718 (listed in protected.ids): not changed"))
    }

    @Test func blastRadiusHoldsDestructiveStepsOnly() throws {
        let plan = try egressPlan()
        let honeypot = facts(tags: ["Honeypot": "true"])
        let decisions = plan.prefix(3).map { guard_.evaluate(action: $0, facts: honeypot, recentDestructiveCount: 5, mode: .enforce) }
        #expect(decisions[0] == .proceed, "snapshot is not destructive")
        guard case .hold(let reason) = decisions[1] else { Issue.record("terminate not held: \(decisions[1])"); return }
        #expect(reason == "blast radius: 5 destructive steps in the last 10m (limit 5); terminate of i-0123456789abcdef0 held")
        #expect(decisions[2] == .proceed, "alert is not destructive")
        #expect(guard_.evaluate(action: plan[1], facts: honeypot, recentDestructiveCount: 4, mode: .enforce) == .proceed)
    }

    @Test func observeModeAndFinishedInstances() throws {
        let plan = try egressPlan()
        let honeypot = facts(tags: ["Honeypot": "true"])
        #expect(guard_.evaluate(action: plan[1], facts: honeypot, recentDestructiveCount: 0, mode: .observe)
                == .skip("observe mode: terminate would change the account"))
        #expect(guard_.evaluate(action: plan[2], facts: honeypot, recentDestructiveCount: 0, mode: .observe) == .proceed)
        // A terminated instance: nothing to snapshot; a terminate proceeds, and the runner records it done without a
        // call (after a crash between TerminateInstances and its answer, it was done).
        #expect(guard_.evaluate(action: plan[0], facts: facts(tags: ["Honeypot": "true"], state: "terminated"),
                                recentDestructiveCount: 0, mode: .enforce) == .skip("instance i-0123456789abcdef0 is already terminated"))
        #expect(guard_.evaluate(action: plan[1], facts: facts(tags: ["Honeypot": "true"], state: "terminated"),
                                recentDestructiveCount: 0, mode: .enforce) == .proceed)
        let skipped = try egressPlan(mode: .observe)[0]
        #expect(guard_.evaluate(action: skipped, facts: honeypot, recentDestructiveCount: 0, mode: .enforce)
                == .skip("observe mode: snapshot would change the account"))
    }

    @Test func scopeVerdicts() {
        let scope = PlaybookScope(include: ScopeSelector(accounts: ["123456789012"], subnets: ["subnet-a"], tags: ["Honeypot": "true"]),
                                  exclude: ScopeSelector(instances: ["i-keep"], tags: ["Env": "prod"]))
        let base = ResourceFacts(instanceID: "i-1", accountID: "123456789012", subnetID: "subnet-a", tags: ["Honeypot": "true"])
        #expect(scope.evaluate(base) == .inScope)
        var other = base
        other.accountID = "999999999999"
        #expect(scope.evaluate(other) == .outOfScope("account 999999999999 is not in scope"))
        var kept = base
        kept.instanceID = "i-keep"
        #expect(scope.evaluate(kept) == .outOfScope("instance i-keep is excluded"))
        var prod = base
        prod.tags["Env"] = "prod"
        #expect(scope.evaluate(prod) == .outOfScope("tag Env=prod is excluded"))
        var noSubnet = base
        noSubnet.subnetID = nil
        #expect(scope.evaluate(noSubnet) == .outOfScope("subnet unknown; scope lists subnet-a"))
        #expect(scope.evaluate(noSubnet, tagsKnown: false, strict: false) == .undecided("subnet unknown; tags unknown"))
    }

    @Test func playbookRemovedSincePlanning() throws {
        var set = Fixtures.defaultPlaybooks
        set.playbooks.removeAll { $0.name == "honeypot-egress-contain" }
        let plan = try egressPlan()
        let reloaded = ResponseGuard(playbooks: set)
        let honeypot = facts(tags: ["Honeypot": "true"])
        #expect(reloaded.evaluate(action: plan[1], facts: honeypot, recentDestructiveCount: 0, mode: .enforce)
                == .skip("playbook honeypot-egress-contain is no longer configured"))
        #expect(reloaded.evaluate(action: plan[2], facts: honeypot, recentDestructiveCount: 0, mode: .enforce) == .proceed)
    }
}
