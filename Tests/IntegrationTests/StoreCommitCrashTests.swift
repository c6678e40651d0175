import FirebreakAWS
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A crash while a delivery is being committed: the service is SIGKILLed at spread-out moments after a delivery
/// was sent (before it is read, while it is evaluated or committed, between the commit and the answer, after the
/// answer), restarted on the same store each time, and sent the same request id again as Firehose would. Then
/// the store is checked (it opens, passes `PRAGMA integrity_check`, holds each delivery, finding and planned
/// action once), and so are the effects in moto (each world-open rule revoked, the others kept, one alert each).
@Suite(.serialized, .motoServer)
struct StoreCommitCrashTests {
    let world: ProxiedHoneypot

    init() throws {
        world = try ProxiedHoneypot()
    }

    /// What became of one try.
    struct Try {
        /// From the request's last byte to the kill; nil: the kill came right after the answer was read.
        var delay: Duration?
        /// The answer read before the connection died (nil: none).
        var answer: Int?
        /// The redelivery after the restart found the delivery committed.
        var wasCommitted: Bool
    }

    /// config/playbooks.yaml with a blast radius that lets every try's revoke run (the default holds the sixth).
    func playbooks() throws -> String {
        let text = try String(contentsOf: FirehoseFixture.packageRoot.appendingPathComponent("config/playbooks.yaml"), encoding: .utf8)
        let raised = text.replacingOccurrences(of: "max_destructive: 5", with: "max_destructive: 1000")
        try #require(raised != text, "config/playbooks.yaml no longer says max_destructive: 5")
        let path = world.file("playbooks.yaml")
        try raised.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Sends `body` on a new connection, SIGKILLs the service `delay` after its last byte went out (nil: as soon as
    /// the answer is read), and returns the status of the answer that arrived before the connection died (nil: none).
    func post(_ body: [UInt8], requestID: String, to service: ServiceProcess, killAfter delay: Duration?) throws -> Int? {
        let client = try service.client(timeout: 30)
        let pid = service.process.processIdentifier
        let killed = DispatchSemaphore(value: 0)
        try client.send(RawHTTPClient.request(path: "/firehose", headers: FirehoseFixture.headers(requestID: requestID, accessKey: "test-key", gzipBody: false),
                                              body: body))
        guard let delay else {
            let answer = try? client.readResponse()
            ProcessKiller.kill(pid)
            return answer?.status
        }
        Thread.detachNewThread {
            if delay > .zero { Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds)) }
            ProcessKiller.kill(pid)
            killed.signal()
        }
        let answer = try? client.readResponse()
        killed.wait()
        return answer?.status
    }

    /// Runs read-only queries on the store with Python's sqlite3 (`mode=ro`): one line per row, values joined by `|`.
    func query(_ store: String, _ statements: [String]) throws -> [String] {
        let script = """
            import sqlite3, sys
            db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
            for statement in sys.argv[2:]:
                for row in db.execute(statement):
                    print("|".join(str(value) for value in row))
            """
        let result = try ChildProcess.run("python3", ["-c", script, store] + statements, timeout: 60)
        try #require(result.status == 0, "python3 sqlite3: \(result.stderr)")
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func killedAroundTheCommitEveryDeliveryIsCommittedOnceAndActedOnOnce() throws {
        let tries = 24
        // Three deliveries answered without a kill first, to time one such delivery here; then the tries.
        let requestIDs = (0..<3).map { "calibrate-\($0)" } + (0..<tries).map { "commit-\($0)" }
        let (topicArn, queue) = try world.moto.topicWithQueue("alerts-commit", fifo: true)
        let groups = try requestIDs.map { try world.worldOpenSSHGroup($0, others: [
            EC2IpPermission(ipProtocol: "tcp", fromPort: 443, toPort: 443, ipv4Ranges: [EC2IpRange("0.0.0.0/0")]),
        ]) }
        let deliveries = zip(requestIDs, groups).enumerated().map { index, pair in
            FirehoseFixture.cloudTrailDelivery(requestID: pair.0, records: [FirehoseFixture.authorizeIngressRecord(
                groupId: pair.1.groupId, ruleId: pair.1.ruleId, eventID: String(format: "3f1e8a52-7c4d-4b9e-a0f1-6d2c5b8e%04d", index))])
        }
        let store = world.file("commit.sqlite")
        let extra = ["FIREBREAK_PLAYBOOKS": try playbooks()]
        var service = try world.service(store: store, topicArn: topicArn, extra: extra)

        // How long one delivery takes here, from its request to its answer: the median of the three.
        var timings: [Duration] = []
        for index in 0..<3 {
            let client = try service.client()
            let started = ContinuousClock.now
            FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(client, requestID: requestIDs[index], body: deliveries[index]),
                                               status: 200, requestID: requestIDs[index])
            timings.append(ContinuousClock.now - started)
        }
        let roundTrip = max(timings.sorted()[1], .milliseconds(2))

        // Kill delays spread from 0 to one and a half times that round trip; the last two tries are killed as
        // soon as their answer is read (whatever the load, the acknowledged case is tried).
        let spread = tries - 2
        var outcomes: [Try] = []
        for (index, (requestID, body)) in zip(requestIDs, deliveries).dropFirst(3).enumerated() {
            let delay = index < spread ? roundTrip * 3 * index / (2 * (spread - 1)) : nil
            let answer = try post(body, requestID: requestID, to: service, killAfter: delay)
            #expect(service.waitForExit(timeout: 10) != nil, "try \(index): the service outlived SIGKILL")
            #expect(answer == nil || answer == 200, "try \(index): answered \(answer ?? 0)")
            if delay == nil { #expect(answer == 200, "try \(index): no answer before the kill") }

            // The store opens and can commit: the service starts on it and is healthy.
            service = try world.service(store: store, topicArn: topicArn, extra: extra)
            #expect(try service.adminClient().roundTrip(method: "GET", path: "/healthz").status == 200, "try \(index)")
            // Firehose sends the request id again when it saw no 200; it is sent in every case here, so that an
            // acknowledged delivery shows it was committed.
            FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try service.client(), requestID: requestID, body: body),
                                               status: 200, requestID: requestID)
            _ = service.deliveryLog(requestID: requestID)   // logged after the redelivery line, if any
            let committed = service.logLines.contains { $0.contains("redelivery of a committed delivery") && $0.contains("\"\(requestID)\"") }
            if answer == 200 {
                #expect(committed, "try \(index): acknowledged but not in the store after the restart")
            }
            outcomes.append(Try(delay: delay, answer: answer, wasCommitted: committed))
        }

        // Every plan finishes: one finding per group, its revoke and its alert, each done.
        let total = requestIDs.count
        let deadline = Date().addingTimeInterval(120)
        var actions: [[String: Any]] = []
        repeat {
            actions = try world.findingIDs(service).flatMap { try world.actions(service, finding: $0) }
            if actions.count >= 2 * total && actions.allSatisfy({ $0["state"] as? String == "done" }) { break }
            usleep(200_000)
        } while Date() < deadline
        #expect(actions.count == 2 * total && actions.allSatisfy { $0["state"] as? String == "done" },
                "\(actions.map { "\($0["step"] ?? "") \($0["state"] ?? "") \($0["reason"] ?? "")" })\n\(service.output.suffix(3000))")

        // The store, read-only: intact, each delivery once, each finding once and from its own delivery, each
        // action planned once.
        let rows = try query(store, [
            "PRAGMA integrity_check",
            "SELECT COUNT(*), COUNT(DISTINCT request_id) FROM deliveries",
            "SELECT COUNT(*), COUNT(DISTINCT resource_id) FROM findings",
            "SELECT COUNT(*), COUNT(DISTINCT idempotency_key) FROM actions",
            "SELECT step, COUNT(*) FROM actions GROUP BY step ORDER BY step",
        ])
        #expect(rows == ["ok", "\(total)|\(total)", "\(total)|\(total)", "\(2 * total)|\(2 * total)",
                         "alert|\(total)", "revoke-ingress|\(total)"], "\(rows)")
        let owners = try query(store, ["SELECT first_request_id, resource_id FROM findings"])
        #expect(Set(owners) == Set(zip(requestIDs, groups).map { "\($0.0)|\($0.1.groupId)" }), "\(owners)")

        // moto: every world-open rule revoked, every other rule kept, one alert per finding (FIFO: deduplicated
        // by action id, so a publish repeated after a kill shows once; a second plan would show twice).
        for group in groups {
            #expect(try world.ingress(group.groupId) == ["tcp 443 0.0.0.0/0"], "\(group.groupId)")
        }
        let messages = try queue.collect(atLeast: total, timeout: .seconds(30), settle: .seconds(2))
        let alerted = messages.compactMap { $0.sns.attributes["firebreak.action_id"] }
        #expect(messages.count == total && Set(alerted).count == total, "\(messages.count) messages, \(Set(alerted).count) actions")

        let acknowledged = outcomes.filter { $0.answer == 200 }.count
        let committedUnanswered = outcomes.filter { $0.answer == nil && $0.wasCommitted }.count
        print("store-commit crash: round trip \(roundTrip); of \(tries) kills, \(acknowledged) after the 200, "
              + "\(committedUnanswered) committed with no 200 read, "
              + "\(tries - acknowledged - committedUnanswered) before the commit")
        withExtendedLifetime(service) {}
    }
}
