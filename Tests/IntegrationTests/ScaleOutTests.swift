import FirebreakAWS
import FirebreakLogs
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Several `firebreak serve` processes on one DynamoDB table (moto, signature checking on), as several ECS tasks
/// behind the load balancer: a delivery that reaches two of them is committed once, a task killed in the middle of a
/// plan leaves its actions to another once its lease runs out, and the blast radius holds across them.
@Suite(.serialized, .motoServer)
struct ScaleOutTests {
    let moto: MotoServer
    let network: MotoNetwork
    static let table = "firebreak-state"

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        _ = try moto.stateTable(Self.table)
        network = try moto.createNetwork(vpcCidr: "10.0.0.0/16", subnetCidr: "10.0.1.0/24")
    }

    /// One task: the shared table, leases of 10 s, AWS at `endpoint` (moto, or a fault proxy in front of it).
    func task(mode: String, topicArn: String = "", endpoint: URL? = nil) throws -> ServiceProcess {
        try ServiceProcess(environment: [
            "FIREBREAK_MODE": mode, "FIREBREAK_STORE_BACKEND": "dynamodb", "FIREBREAK_DYNAMODB_TABLE": Self.table,
            "FIREBREAK_EXECUTOR_LEASE_SECONDS": "10", "FIREBREAK_SNS_TOPIC_ARN": topicArn,
            "AWS_ENDPOINT_URL": (endpoint ?? moto.endpoint).absoluteString,
            "AWS_ACCESS_KEY_ID": moto.credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.credentials.secretAccessKey,
            "AWS_REGION": moto.region, "AWS_EC2_METADATA_DISABLED": "true",
        ])
    }

    /// What `firebreak store init` and `firebreak findings` need to reach the table in moto.
    var commandEnvironment: [String: String] {
        ["FIREBREAK_STORE_BACKEND": "dynamodb", "FIREBREAK_DYNAMODB_TABLE": Self.table,
         "AWS_ENDPOINT_URL": moto.endpoint.absoluteString, "AWS_ACCESS_KEY_ID": moto.credentials.accessKeyID,
         "AWS_SECRET_ACCESS_KEY": moto.credentials.secretAccessKey, "AWS_REGION": moto.region,
         "AWS_EC2_METADATA_DISABLED": "true"]
    }

    /// Honeypots trying to reach an IRC server, REJECTed (version-2 flow records: the ENI only).
    func rejectedEgress(requestID: String, from hosts: [(eni: String, ip: String)]) -> [UInt8] {
        let lines = hosts.map { "2 123456789012 \($0.eni) \($0.ip) 203.0.113.9 43512 6667 6 3 180 1700000100 1700000160 REJECT OK" }
        return FirehoseFixture.body(requestID: requestID, records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: lines))])
    }

    func honeypot() throws -> (id: String, eni: String, ip: String) {
        let (id, eni, ip) = try ResponseEndToEndTests.launch(moto, in: network)
        return (id, eni, ip)
    }

    /// Every finding with its count and actions, as `task`'s admin listener reads them from the table.
    func findings(_ task: ServiceProcess) throws -> [(count: Int, actions: [[String: Any]])] {
        let list = try task.adminClient().roundTrip(method: "GET", path: "/findings?limit=1000").json?["findings"] as? [[String: Any]] ?? []
        return try list.compactMap { $0["findingId"] as? String }.map { id in
            let one = try task.adminClient().roundTrip(method: "GET", path: "/findings/\(id)").json ?? [:]
            return (one["count"] as? Int ?? 0, one["actions"] as? [[String: Any]] ?? [])
        }
    }

    /// The actions of every finding once `expected` of them exist and none is pending or running (nil on timeout).
    func settledActions(_ task: ServiceProcess, expected: Int, timeout: TimeInterval = 90) throws -> [[String: Any]]? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let actions = try findings(task).flatMap(\.actions)
            if actions.count >= expected, actions.allSatisfy({ !["pending", "running"].contains($0["state"] as? String ?? "") }) {
                return actions
            }
            usleep(250_000)
        }
        return nil
    }

    @Test func storeInitCreatesTheTableOnceAndRefusesTheFileBackend() throws {
        var environment = commandEnvironment
        environment["FIREBREAK_DYNAMODB_TABLE"] = "firebreak-init-test"
        let first = try CommandResult.run(["store", "init"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("state table firebreak-init-test is ACTIVE"), "\(first.stdout)")
        let table = try #require(try moto.dynamoDB.describeTable("firebreak-init-test"))
        #expect(table.keySchema.map(\.attributeName) == ["pk", "sk"])
        #expect(try moto.dynamoDB.timeToLiveAttribute(table: "firebreak-init-test") == "expires_at")
        // Again: the table is there, checked, not changed.
        #expect(try CommandResult.run(["store", "init"], environment: environment).status == 0)
        // The file backend has no table to create; a bad table name is refused before any call.
        let sqlite = try CommandResult.run(["store", "init"], environment: ["FIREBREAK_STORE_BACKEND": "sqlite"])
        #expect(sqlite.status != 0 && sqlite.stderr.contains("store.backend is sqlite"), "\(sqlite.stderr)")
        environment["FIREBREAK_DYNAMODB_TABLE"] = "no"
        let bad = try CommandResult.run(["store", "init"], environment: environment)
        #expect(bad.status != 0 && bad.stderr.contains("store.dynamodb.table"), "\(bad.stderr)")
    }

    /// One source probing 24 ports of one host within a minute, its flow records split over six deliveries that
    /// reach three tasks in turn (8 ports each, under the rule's 20): the scan is seen whole, and found once.
    @Test func aPortScanSplitAcrossThreeTasksIsOneFinding() throws {
        let tasks = [try task(mode: "observe"), try task(mode: "observe"), try task(mode: "observe")]
        func probes(_ ports: ClosedRange<Int>, requestID: String) -> [UInt8] {
            let lines = ports.map { port in
                "2 123456789012 eni-0a1b2c3d4e5f60718 198.51.100.77 10.0.1.5 51514 \(port * 7) 6 1 44 1700000100 \(1700000100 + port) REJECT OK"
            }
            return FirehoseFixture.body(requestID: requestID, records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: lines))])
        }
        var deliveries: [(task: Int, id: String, body: [UInt8])] = []
        for part in 0..<6 {
            let id = "scan-\(part)"
            deliveries.append((part % 3, id, probes((part * 4 + 1)...(part * 4 + 4), requestID: id)))
        }
        for delivery in deliveries {
            FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try tasks[delivery.task].client(), requestID: delivery.id,
                                                                            body: delivery.body),
                                               status: 200, requestID: delivery.id)
        }
        // Firehose redelivers every one of them to another task: nothing is counted or found again.
        for delivery in deliveries {
            FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try tasks[(delivery.task + 1) % 3].client(),
                                                                            requestID: delivery.id, body: delivery.body),
                                               status: 200, requestID: delivery.id)
        }
        let rule = DetectionIntakeTests.portScanRule
        let list = try tasks[2].adminClient().roundTrip(method: "GET", path: "/findings?rule=\(rule)").json?["findings"] as? [[String: Any]] ?? []
        #expect(list.count == 1, "\(list)")
        let correlation = list.first?["correlation"] as? [String: Any]
        #expect((correlation?["groupBy"] as? [String: Any])?["srcaddr"] as? String == "198.51.100.77", "\(list)")
        #expect((correlation?["count"] as? Int ?? 0) >= 20, "\(correlation ?? [:])")
        // No task saw 20 ports itself: the task that fired logged the finding, the others none.
        let logged = tasks.filter { $0.output.contains(rule) }
        #expect(logged.count == 1, "\(logged.count) tasks logged the scan")
    }

    @Test func aDeliveryPostedToTwoTasksAtOnceIsCommittedOnce() throws {
        let host = try honeypot()
        let tasks = [try task(mode: "observe"), try task(mode: "observe")]
        let body = rejectedEgress(requestID: "both-1", from: [(host.eni, host.ip)])
        let statuses = Mutex<[Int: Int]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let status = (try? FirehoseIntakeTests.post(try tasks[index].client(), requestID: "both-1", body: body))?.status ?? 0
            statuses.withLock { $0[index] = status }
        }
        let first = statuses.withLock { $0 }
        // Each answer is 200 (committed, or a redelivery of what the other committed) or 503 (the other task holds
        // the delivery while it commits: Firehose tries again).
        #expect(first.values.allSatisfy { $0 == 200 || $0 == 503 } && first.values.contains(200), "\(first)")
        for (index, status) in first where status == 503 {
            FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try tasks[index].client(), requestID: "both-1", body: body),
                                               status: 200, requestID: "both-1")
        }
        // And Firehose's retry on either task changes nothing.
        for task in tasks {
            FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try task.client(), requestID: "both-1", body: body),
                                               status: 200, requestID: "both-1")
        }
        // `firebreak findings` reads the same table.
        let listed = try CommandResult.run(["findings", "--json"], environment: commandEnvironment)
        #expect(listed.status == 0, "\(listed.stderr)")
        let stored = try findings(tasks[1])
        #expect(listed.stdout.split(separator: "\n").count == stored.count, "\(listed.stdout)")
        #expect(!stored.isEmpty, "\(tasks[0].output.suffix(2000))")
        #expect(stored.allSatisfy { $0.count == 1 }, "counted more than once: \(stored.map(\.count))")
        let actions = stored.flatMap(\.actions)
        let keys = actions.map { "\($0["playbook"] ?? "")|\($0["step"] ?? "")|\($0["resourceId"] ?? "")" }
        #expect(!actions.isEmpty && Set(keys).count == keys.count, "one set of actions: \(keys.sorted())")
    }

    /// The task that claimed the honeypot's plan is SIGKILLed once moto has taken the snapshots (before the answer
    /// reaches it). Another task takes the plan over when the lease runs out and finishes it: each effect once.
    @Test func aTaskKilledMidPlanLeavesItToAnotherOnceItsLeaseRunsOut() throws {
        let host = try honeypot()
        let (topicArn, queue) = try moto.topicWithQueue("scale-out-alerts", fifo: true)
        // A fault proxy per task, so that the cut names the task that made the call.
        let proxies = [try FaultProxy(upstream: moto.endpoint), try FaultProxy(upstream: moto.endpoint),
                       try FaultProxy(upstream: moto.endpoint)]
        let tasks = try proxies.map { try task(mode: "enforce", topicArn: topicArn, endpoint: $0.endpoint) }
        let killed = Mutex<[Int]>([])
        for (index, proxy) in proxies.enumerated() {
            let pid = tasks[index].process.processIdentifier
            proxy.arm(FaultRule(action: "CreateSnapshots") { _ in
                for (other, otherProxy) in proxies.enumerated() where other != index { otherProxy.disarm() }
                if ProcessKiller.kill(pid) { killed.withLock { $0.append(index) } }
            })
        }
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try tasks[0].client(), requestID: "kill-1",
                                                                        body: rejectedEgress(requestID: "kill-1", from: [(host.eni, host.ip)])),
                                           status: 200, requestID: "kill-1")
        let deadline = Date().addingTimeInterval(60)
        while killed.withLock({ $0.isEmpty }) && Date() < deadline { usleep(50_000) }
        let victim = try #require(killed.withLock { $0.first }, "no task was cut at CreateSnapshots")
        let survivor = tasks[(victim + 1) % 3]
        let actions = try #require(try settledActions(survivor, expected: 3),
                                   "the plan was not finished: \(survivor.output.suffix(3000))")
        let plan = actions.filter { $0["playbook"] as? String == "honeypot-egress-contain" }
            .sorted { ($0["sequence"] as? Int ?? 0) < ($1["sequence"] as? Int ?? 0) }
        #expect(plan.map { $0["state"] as? String } == ["done", "done", "done"], "\(plan)")
        // The snapshot was taken over after the lease: a second attempt, by another task.
        #expect((plan.first?["attempts"] as? Int ?? 0) >= 2, "\(plan.first ?? [:])")
        #expect(plan.first?["lastError"] as? String == "lease expired: taken over", "\(plan.first ?? [:])")
        // Each effect once: a snapshot per volume, one terminate, one alert on the FIFO topic.
        var request = EC2Client.request("DescribeSnapshots")
        request.add("Filter.1.Name", "tag-key")
        request.add("Filter.1.Value.1", "firebreak:finding-id")
        var perVolume: [String: Int] = [:]
        for item in try moto.ec2.call(request).items("snapshotSet") { perVolume[item.string("volumeId") ?? "", default: 0] += 1 }
        #expect(perVolume.count == 2 && perVolume.values.allSatisfy { $0 == 1 }, "snapshots per volume: \(perVolume)")
        #expect(try moto.ec2.describeInstances(ids: [host.id]).first?.state == .terminated)
        let terminates = proxies.flatMap(\.actions).filter { $0 == "TerminateInstances" }
        #expect(terminates.count == 1, "\(proxies.map(\.actions))")
        let messages = try queue.collect(atLeast: 1, timeout: .seconds(10), settle: .seconds(2))
        #expect(messages.count == 1, "\(messages.map(\.body))")
    }

    /// Six honeypots whose findings reach three tasks: five are terminated, the sixth is held.
    @Test func theBlastRadiusHoldsAcrossTasks() throws {
        var hosts: [(id: String, eni: String, ip: String)] = []
        for _ in 0..<6 { hosts.append(try honeypot()) }
        let (topicArn, _) = try moto.topicWithQueue("scale-out-blast")
        let tasks = [try task(mode: "enforce", topicArn: topicArn), try task(mode: "enforce", topicArn: topicArn),
                     try task(mode: "enforce", topicArn: topicArn)]
        for (index, task) in tasks.enumerated() {
            let pair = hosts[(2 * index)..<(2 * index + 2)].map { (eni: $0.eni, ip: $0.ip) }
            // As Firehose does: a 503 (moto's table sometimes answers HTTP 500 to one of three tasks writing at once)
            // is sent again; the delivery must then be committed, once.
            var response = try FirehoseIntakeTests.post(try task.client(), requestID: "blast-\(index)",
                                                        body: rejectedEgress(requestID: "blast-\(index)", from: pair))
            for _ in 0..<3 where response.status == 503 {
                Thread.sleep(forTimeInterval: 1)
                response = try FirehoseIntakeTests.post(try task.client(), requestID: "blast-\(index)",
                                                        body: rejectedEgress(requestID: "blast-\(index)", from: pair))
            }
            #expect(response.status == 200, "\(response.text) \(task.output.suffix(1500))")
        }
        let actions = try #require(try settledActions(tasks[0], expected: 18), "not settled: \(tasks[0].output.suffix(3000))")
        let terminates = actions.filter { $0["step"] as? String == "terminate" }
        #expect(terminates.count == 6)
        #expect(terminates.filter { $0["state"] as? String == "done" }.count == 5, "\(terminates)")
        #expect(terminates.filter { $0["state"] as? String == "held" }.count == 1, "\(terminates)")
        let states = try hosts.map { try #require(try moto.ec2.describeInstances(ids: [$0.id]).first).state.name }
        #expect(states.filter { $0 == "running" }.count == 1, "\(states)")
    }
}
