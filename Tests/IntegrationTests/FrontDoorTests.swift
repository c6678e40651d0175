import FirebreakLogs
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What an attacker on the network can do to the Firehose listener, tried on the real binary: bodies on routes
/// that take none, a flood of large bodies, idle sockets, and the admin routes.
@Suite(.serialized) struct FrontDoorTests {
    static let mib = 1 << 20

    /// Sends a head announcing `length` body bytes; if the server answers within `patience` it reads that answer
    /// without sending the body, otherwise it pushes the body (in 1 MiB chunks) and then reads the answer.
    /// Returns the status (0 when the connection broke without one) and whether any body byte was sent.
    static func announce(_ client: RawHTTPClient, head: String, length: Int, patience: Int32 = 300) -> (status: Int, retryAfter: String?, sentBody: Bool) {
        do {
            try client.send(head)
            var poller = pollfd(fd: client.fd, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, patience) > 0 {
                let response = try client.readResponse()
                return (response.status, response.header("Retry-After"), false)
            }
            let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: mib)
            var sent = 0
            while sent < length {
                let n = min(chunk.count, length - sent)
                try client.send(n == chunk.count ? chunk : Array(chunk[..<n]))
                sent += n
            }
            let response = try client.readResponse()
            return (response.status, response.header("Retry-After"), true)
        } catch {
            return (0, nil, true)
        }
    }

    /// The largest resident size of the service while `body` runs, sampled every 20 ms.
    static func peakResident(of service: ServiceProcess, during body: () throws -> Void) rethrows -> Int {
        let peak = Atomic<Int>(service.memory.resident)
        let done = Atomic<Bool>(false)
        let sampler = Thread {
            while !done.load(ordering: .relaxed) {
                let now = service.memory.resident
                if now > peak.load(ordering: .relaxed) { peak.store(now, ordering: .relaxed) }
                usleep(20_000)
            }
        }
        sampler.start()
        defer { done.store(true, ordering: .relaxed) }
        try body()
        usleep(100_000)
        return peak.load(ordering: .relaxed)
    }

    /// Runs `count` jobs on threads of their own and waits for all of them.
    static func concurrently(_ count: Int, _ job: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            Thread { job(i); group.leave() }.start()
        }
        group.wait()
    }

    @Test func routesWithoutABodyRefuseOneBeforeReadingIt() throws {
        let service = try ServiceProcess()
        for (method, path) in [("GET", "/healthz"), ("GET", "/firehose"), ("DELETE", "/firehose"), ("GET", "/nowhere")] {
            let client = try service.client()
            let result = Self.announce(client, head: "\(method) \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: \(60 * Self.mib)\r\n\r\n",
                                       length: 60 * Self.mib)
            #expect(!result.sentBody, "\(method) \(path): the server waited for the body")
            #expect([404, 405, 413].contains(result.status), "\(method) \(path) answered \(result.status)")
            #expect(client.waitForClose(), "\(method) \(path): the connection stays open")
        }
        let chunked = try service.client()
        let result = Self.announce(chunked, head: "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", length: Self.mib)
        #expect(result.status == 413 && !result.sentBody)
    }

    /// 16 unauthenticated connections push 60 MiB bodies at /healthz: none is buffered.
    @Test func unauthenticatedBodiesDoNotGrowMemory() throws {
        let service = try ServiceProcess()
        let before = service.memory.resident
        let statuses = Mutex<[Int]>([])
        let peak = Self.peakResident(of: service) {
            Self.concurrently(16) { _ in
                guard let client = try? service.client() else { return }
                // Push without waiting: the attacker does not read.
                let result = Self.announce(client, head: "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: \(60 * Self.mib)\r\n\r\n",
                                           length: 60 * Self.mib, patience: 0)
                statuses.withLock { $0.append(result.status) }
            }
        }
        #expect(peak - before < 32 * Self.mib, "resident memory grew by \((peak - before) >> 20) MiB")
        #expect(statuses.withLock { $0.allSatisfy { $0 != 200 } })
        // The service still answers.
        #expect(try service.client().roundTrip(method: "GET", path: "/healthz").status == 200)
    }

    /// 32 authenticated clients post 60 MiB bodies at once: what is buffered stays under the budget.
    @Test func theBodyBudgetHoldsUnderConcurrentLargePosts() throws {
        let budget = 256 * Self.mib
        let service = try ServiceProcess(environment: ["FIREBREAK_SERVER_MAX_BUFFERED_BODY_BYTES": String(budget),
                                                       "FIREBREAK_WORKERS_QUEUE_LENGTH": "64"])
        let before = service.memory.resident
        let results = Mutex<[(status: Int, retryAfter: String?)]>([])
        let peak = Self.peakResident(of: service) {
            Self.concurrently(32) { i in
                guard let client = try? service.client(timeout: 60) else { return }
                let head = "POST /firehose HTTP/1.1\r\nHost: x\r\nX-Amz-Firehose-Access-Key: test-key\r\n"
                    + "X-Amz-Firehose-Request-Id: big-\(i)\r\nContent-Type: application/json\r\nContent-Length: \(60 * Self.mib)\r\n\r\n"
                let result = Self.announce(client, head: head, length: 60 * Self.mib)
                results.withLock { $0.append((result.status, result.retryAfter)) }
            }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 32)
        let refused = all.filter { $0.status == 503 }
        #expect(!refused.isEmpty, "no request was refused: \(all.map(\.status))")
        #expect(refused.allSatisfy { $0.retryAfter != nil })
        // What the budget admits, plus the body copies a request makes while decoding (its body is bad JSON).
        #expect(peak - before < budget + 160 * Self.mib, "resident memory grew by \((peak - before) >> 20) MiB")
        let metrics = try service.adminClient().roundTrip(method: "GET", path: "/metrics").text
        #expect(metrics.contains("firebreak_http_buffered_body_bytes 0"), "\(metrics)")
    }

    /// 1,100 idle sockets, more than the connection cap, do not keep a delivery out.
    @Test(arguments: [[:], ["FIREBREAK_SERVER_MAX_CONNECTIONS_PER_ADDRESS": "5000"]])
    func idleSocketsDoNotLockDeliveriesOut(_ environment: [String: String]) throws {
        let service = try ServiceProcess(environment: environment)
        var idle: [RawHTTPClient] = []
        for _ in 0..<1100 { idle.append(try service.client(timeout: 5)) }
        usleep(300_000)
        let client = try service.client()
        let response = try FirehoseIntakeTests.post(client, requestID: "after-idle",
                                                    body: FirehoseFixture.flowDelivery(requestID: "after-idle"))
        FirehoseIntakeTests.expectContract(response, status: 200, requestID: "after-idle")
        let metrics = try service.adminClient().roundTrip(method: "GET", path: "/metrics").text
        #expect(metrics.contains("firebreak_http_idle_connections_closed_total"))
        withExtendedLifetime(idle) {}
    }

    @Test func findingsAndMetricsAreOnlyOnTheAdminListener() throws {
        let service = try ServiceProcess()
        #expect(service.adminPort != 0 && service.adminPort != service.port)
        for path in ["/findings", "/findings/fb-x", "/metrics"] {
            #expect(try service.client().roundTrip(method: "GET", path: path).status == 404, "\(path) on the Firehose listener")
        }
        #expect(try service.adminClient().roundTrip(method: "GET", path: "/findings").status == 200)
        #expect(try service.adminClient().roundTrip(method: "GET", path: "/metrics").status == 200)
        #expect(try service.client().roundTrip(method: "GET", path: "/healthz").status == 200)
        // The admin listener takes no bodies either.
        let client = try service.adminClient()
        let result = Self.announce(client, head: "GET /findings HTTP/1.1\r\nHost: x\r\nContent-Length: \(Self.mib)\r\n\r\n", length: Self.mib)
        #expect(result.status == 413 && !result.sentBody)
    }

    @Test func theAdminListenerOffLoopbackNeedsAToken() throws {
        #expect(throws: (any Error).self) {
            _ = try ServiceProcess(environment: ["FIREBREAK_ADMIN_LISTEN": "0.0.0.0:0"])
        }
        let refused = try CommandResult.run(["serve"], environment: ["FIREBREAK_ADMIN_LISTEN": "0.0.0.0:0",
                                                                     "FIREBREAK_LISTEN": "127.0.0.1:0"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("FIREBREAK_ADMIN_TOKEN"), "\(refused.stderr)")

        let token = "adm1n-\(UUID().uuidString)"
        let service = try ServiceProcess(environment: ["FIREBREAK_ADMIN_LISTEN": "0.0.0.0:0", "FIREBREAK_ADMIN_TOKEN": token])
        let anonymous = try service.adminClient().roundTrip(method: "GET", path: "/findings")
        #expect(anonymous.status == 401)
        #expect(anonymous.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(try service.adminClient().roundTrip(method: "GET", path: "/metrics",
                                                    headers: [("Authorization", "Bearer wrong")]).status == 401)
        #expect(try service.adminClient().roundTrip(method: "GET", path: "/metrics",
                                                    headers: [("Authorization", "Bearer \(token)")]).status == 200)
        #expect(try service.adminClient().roundTrip(method: "GET", path: "/findings",
                                                    headers: [("Authorization", "Bearer \(token)")]).status == 200)
        #expect(!service.output.contains(token), "the admin token must never be logged")
    }

    /// One flow line whose `end` overflows milliseconds: a decode error of that record, not a crash.
    @Test func aPoisonFlowLineIsADecodeErrorNotACrash() throws {
        let service = try ServiceProcess()
        let poison = "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.5 198.51.100.7 44321 443 6 10 840 1700000100 \(1 << 60) REJECT OK"
        let good = FirehoseFixture.flowLines(count: 2)
        let record = Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: [poison] + good))
        for attempt in 0..<3 {   // Firehose redelivers: every attempt is answered
            let response = try FirehoseIntakeTests.post(try service.client(), requestID: "poison-\(attempt)",
                                                        body: FirehoseFixture.body(requestID: "poison-\(attempt)", records: [record]))
            #expect(response.status == 200)
        }
        let metrics = try service.adminClient().roundTrip(method: "GET", path: "/metrics").text
        #expect(metrics.contains("firebreak_events_total{type=\"vpcflow\"} 6"), "\(metrics)")
        #expect(metrics.contains("firebreak_decode_errors_total{kind=\"flowLine\"} 3"), "\(metrics)")
        #expect(service.process.isRunning)
    }

    @Test func outOfRangeQueryTimesAreRefused() throws {
        let service = try ServiceProcess()
        for since in ["9223372036854775807", "-9223372036854775808", "99999999999999999999", "yesterday"] {
            let response = try service.adminClient().roundTrip(method: "GET", path: "/findings?since=\(since)")
            #expect(response.status == 400, "since=\(since) answered \(response.status)")
        }
        #expect(try service.adminClient().roundTrip(method: "GET", path: "/findings?limit=0").status == 400)
        #expect(try service.adminClient().roundTrip(method: "GET", path: "/findings?limt=5").status == 400)
        #expect(service.process.isRunning)
        let cli = try CommandResult.run(["findings", "--store", service.storePath, "--since", "9223372036854775807"])
        #expect(cli.status == 64, "\(cli.stderr)")
        #expect(cli.stderr.contains("--since"))
    }

    /// A decompression budget per delivery, enforced while inflating: a body that inflates past it is refused
    /// without its whole inflated size ever being held.
    @Test func decompressionIsBoundedWhileInflating() throws {
        let service = try ServiceProcess(environment: ["FIREBREAK_FIREHOSE_MAX_DECOMPRESSED_BYTES": String(16 * Self.mib)])
        // 160 MiB of flow-like text, compressible about 20:1 (under the bomb ratio).
        var text: [UInt8] = []
        var generator = SystemRandomNumberGenerator()
        let line = Array(FirehoseFixture.flowLines(count: 1)[0].utf8)
        while text.count < 8 * Self.mib {
            text += line
            text += Array(String(generator.next() % 1_000_000).utf8)
            text.append(10)
        }
        var body: [UInt8] = []
        for _ in 0..<20 { body += text }
        let compressed = Gzip.compress(body, level: 1)
        body = []
        let before = service.memory.resident
        let peak = try Self.peakResident(of: service) {
            let response = try FirehoseIntakeTests.post(try service.client(timeout: 30), requestID: "inflated",
                                                        body: compressed, gzipBody: true)
            #expect(response.status == 413)
            #expect(response.json?["errorMessage"] as? String ?? "" != "")
        }
        #expect(peak - before < 64 * Self.mib, "resident memory grew by \((peak - before) >> 20) MiB")
    }

    /// The store file deleted while the service runs: deliveries are refused and the health check fails; a
    /// restart refuses to start an empty store unless told to.
    @Test func aDeletedStoreIsLoud() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fb-lost-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("firebreak.sqlite").path
        do {
            let service = try ServiceProcess(environment: ["FIREBREAK_STORE": store])
            let first = try FirehoseIntakeTests.post(try service.client(), requestID: "d-1",
                                                     body: FirehoseFixture.flowDelivery(requestID: "d-1"))
            #expect(first.status == 200)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
            let second = try FirehoseIntakeTests.post(try service.client(), requestID: "d-2",
                                                      body: FirehoseFixture.flowDelivery(requestID: "d-2"))
            #expect(second.status == 503)
            #expect(try service.client().roundTrip(method: "GET", path: "/healthz").status == 503)
        }
        let refused = try CommandResult.run(["serve"], environment: ["FIREBREAK_STORE": store, "FIREBREAK_LISTEN": "127.0.0.1:0",
                                                                     "FIREBREAK_ADMIN_LISTEN": ""])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--init-store"), "\(refused.stderr)")
        let restarted = try ServiceProcess(environment: ["FIREBREAK_STORE": store], arguments: ["--init-store"])
        #expect(try restarted.client().roundTrip(method: "GET", path: "/healthz").status == 200)
    }

    /// A full disk: every delivery is answered 503, never 200, and the health check says so; when space
    /// returns, deliveries are accepted again.
    @Test func aFullDiskIsAnswered503AndRecovers() throws {
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("fb-full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: mount) }
        let mounted = try Tool.run("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.path])
        try #require(mounted.status == 0, "a tmpfs is needed for this test (run as root): \(mounted.stderr)")
        defer { _ = try? Tool.run("umount", ["-l", mount.path]) }
        let store = mount.appendingPathComponent("firebreak.sqlite").path
        let service = try ServiceProcess(environment: ["FIREBREAK_STORE": store])
        #expect(try FirehoseIntakeTests.post(try service.client(), requestID: "full-0",
                                             body: FirehoseFixture.flowDelivery(requestID: "full-0")).status == 200)
        // Fill what is left of the file system.
        let filler = mount.appendingPathComponent("filler").path
        let fd = open(filler, O_CREAT | O_WRONLY, 0o600)
        let block = [UInt8](repeating: 7, count: 64 * 1024)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        close(fd)

        var statuses: [Int] = []
        for i in 1...20 {
            // Deliveries with findings (REJECTed egress), so that each one has rows to write.
            let id = "full-\(i)"
            let lines = FirehoseFixture.flowLines(count: 200, action: "REJECT", seed: i * 1000)
            let record = Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: lines))
            statuses.append(try FirehoseIntakeTests.post(try service.client(), requestID: id,
                                                         body: FirehoseFixture.body(requestID: id, records: [record])).status)
        }
        #expect(statuses.contains(503), "\(statuses)")
        let acknowledged = statuses.enumerated().filter { $0.element == 200 }.map { "full-\($0.offset + 1)" }
        #expect(try service.client().roundTrip(method: "GET", path: "/healthz").status == 503)

        try FileManager.default.removeItem(atPath: filler)
        let deadline = Date().addingTimeInterval(10)
        var health = 0
        while Date() < deadline {
            health = try service.client().roundTrip(method: "GET", path: "/healthz").status
            if health == 200 { break }
            usleep(200_000)
        }
        #expect(health == 200)
        let after = try FirehoseIntakeTests.post(try service.client(), requestID: "full-after",
                                                 body: FirehoseFixture.flowDelivery(requestID: "full-after"))
        #expect(after.status == 200)
        // Every 200 was a commit: each acknowledged delivery is a redelivery now.
        for id in acknowledged {
            let lines = FirehoseFixture.flowLines(count: 1)
            let again = try FirehoseIntakeTests.post(try service.client(), requestID: id, body: FirehoseFixture.body(
                requestID: id, records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: lines))]))
            #expect(again.status == 200)
            #expect(service.waitForLine(containing: "redelivery of a committed delivery", timeout: 5) != nil)
        }
    }

    /// SIGHUP with an emptied rule file or a duplicate rule id keeps the rules in force.
    @Test func aReloadRefusesEmptyFilesAndDuplicateIDs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fb-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rule = "egress_rejected.yml"
        try FileManager.default.copyItem(at: FirehoseFixture.packageRoot.appendingPathComponent("config/rules/vpcflow/\(rule)"),
                                         to: folder.appendingPathComponent(rule))
        let service = try ServiceProcess(environment: ["FIREBREAK_RULES": folder.path, "FIREBREAK_RULES_RELOAD_CHECK_SECONDS": "0"])
        for (name, text) in [("empty.yml", ""), ("copy.yml", try String(contentsOf: folder.appendingPathComponent(rule), encoding: .utf8))] {
            let file = folder.appendingPathComponent(name)
            try text.write(to: file, atomically: true, encoding: .utf8)
            let rejected = service.logLines.filter { $0.contains("rules not reloaded") }.count
            service.signal(SIGHUP)
            let deadline = Date().addingTimeInterval(10)
            while service.logLines.filter({ $0.contains("rules not reloaded") }).count == rejected && Date() < deadline { usleep(50_000) }
            let line = service.logLines.last { $0.contains("rules not reloaded") } ?? ""
            #expect(line.contains(name == "empty.yml" ? "holds no rule" : "duplicate rule id"), "\(line)")
            try FileManager.default.removeItem(at: file)
        }
        let metrics = try service.adminClient().roundTrip(method: "GET", path: "/metrics").text
        #expect(metrics.contains("firebreak_rule_reloads_total{result=\"rejected\"} 2"), "\(metrics)")
    }
}
