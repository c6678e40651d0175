import FirebreakAWS
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
@testable import FirebreakResponse

/// The executor against moto: protection seen on the resource right before acting, and a blast radius that
/// counts the steps that actually ran.
@Suite(.serialized, .motoServer)
struct ActionExecutorMotoTests {
    let moto: MotoServer

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
    }

    static let playbooks = """
        protected:
          tags: {"firebreak:protected": "true"}
          ids: []
        blast_radius:
          max_destructive: 5
          window: 10m
        idempotency_window: 1h
        playbooks:
          - name: contain
            match: {rules: [rule-1]}
            steps: [terminate]
          - name: world-open
            match: {rules: [rule-2]}
            steps: [revoke-ingress]
        """

    func executor(_ store: ResponseStore, resolver: ResourceResolver) throws -> ActionExecutor {
        let playbooks = try PlaybookSet.parse(yaml: Self.playbooks, source: "test")
        let runner = StepRunner(ec2: moto.ec2, sns: moto.sns, resolver: resolver)
        return ActionExecutor(store: store, runner: runner, resolver: resolver, playbooks: playbooks, mode: .enforce)
    }

    func commit(_ store: ResponseStore, _ actions: [PlannedAction], finding: String) throws {
        var stored = Fixture.finding(finding, instance: actions[0].resourceID)
        stored.resourceType = actions[0].resourceType
        _ = try store.commit(delivery: Fixture.delivery("req-\(finding)", at: Date()), findings: [stored], actions: actions, now: Date())
    }

    /// Six terminations claimed in one batch with a limit of five: five run, the sixth is held.
    @Test func theBlastRadiusCountsStepsThatRan() throws {
        let network = try moto.createNetwork(vpcCidr: "10.30.0.0/16", subnetCidr: "10.30.1.0/24")
        let store = try ResponseStore(path: ":memory:")
        var instances: [String] = []
        for i in 0..<6 {
            let instance = try moto.launchInstance(in: network, volumes: [("/dev/sda1", 8)], deleteOnTermination: true,
                                                   tags: [("Honeypot", "true")])
            instances.append(instance.instanceId)
            let action = PlannedAction(id: "t-\(i)", findingID: "f-\(i)", ruleID: "rule-1", playbook: "contain", sequence: 1,
                                       step: PlaybookStep(.terminate), resourceType: "instance", resourceID: instance.instanceId,
                                       idempotencyKey: "terminate|\(instance.instanceId)", payload: "{}")
            try commit(store, [action], finding: "f-\(i)")
        }
        let resolver = ResourceResolver(ec2: moto.ec2, ttl: .zero, capacity: 16)
        #expect(try executor(store, resolver: resolver).runOnce(limit: 16) == 6)
        let states = try (0..<6).map { try #require(try store.action(id: "t-\($0)")).state }
        #expect(states.filter { $0 == .done }.count == 5, "\(states)")
        #expect(states.filter { $0 == .held }.count == 1, "\(states)")
        let terminated = try moto.ec2.describeInstances(ids: instances).filter { ["terminated", "shutting-down"].contains($0.state.name) }
        #expect(terminated.count == 5)
    }

    /// A world-open rule on a group tagged `firebreak:protected` is not revoked: the executor describes the group
    /// right before acting.
    @Test func aProtectedSecurityGroupIsNotChanged() throws {
        let network = try moto.createNetwork(vpcCidr: "10.31.0.0/16", subnetCidr: "10.31.1.0/24")
        let store = try ResponseStore(path: ":memory:")
        var groups: [String: String] = [:]
        for protected in [true, false] {
            let group = try moto.ec2.createSecurityGroup(name: "sg-\(protected)", description: "test", vpcId: network.vpcId,
                                                         tags: protected ? [EC2Tag(key: "firebreak:protected", value: "true")] : [])
            let open = EC2IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("0.0.0.0/0")])
            _ = try moto.ec2.authorizeSecurityGroupIngress(groupId: group, permissions: [open])
            let payload = #"{"groupId":"\#(group)","permissions":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":["0.0.0.0/0"]}]}"#
            let action = PlannedAction(id: "r-\(protected)", findingID: "f-\(protected)", ruleID: "rule-2", playbook: "world-open",
                                       sequence: 1, step: PlaybookStep(.revokeIngress), resourceType: "security-group",
                                       resourceID: group, idempotencyKey: "revoke|\(group)", payload: payload)
            try commit(store, [action], finding: "f-\(protected)")
            groups["\(protected)"] = group
        }
        let resolver = ResourceResolver(ec2: moto.ec2, ttl: .zero, capacity: 16)
        _ = try executor(store, resolver: resolver).runOnce()
        let protectedAction = try #require(try store.action(id: "r-true"))
        #expect(protectedAction.state == .skipped)
        #expect(protectedAction.reason?.contains("protected") == true, "\(protectedAction.reason ?? "")")
        #expect(try store.action(id: "r-false")?.state == .done)
        let after = try moto.ec2.describeSecurityGroups(ids: [groups["true"]!, groups["false"]!])
        #expect(after.first { $0.groupId == groups["true"] }?.ingress.isEmpty == false, "the protected rule was revoked")
        #expect(after.first { $0.groupId == groups["false"] }?.ingress.isEmpty == true)
    }
}
