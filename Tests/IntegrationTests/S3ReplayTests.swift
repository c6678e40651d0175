import FirebreakLogs
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing

/// `firebreak replay s3://...` (the real binary) against moto's S3 holding a trail's, a flow log's and a Firehose
/// backup's objects under their real layouts: `--since/--until` keep one day and find exactly what the local replay
/// of that day's files finds; progress and a summary on a terminal, nothing but findings on a pipe; `--respond`
/// commits a replayed delivery once.
///
/// moto checks S3 signatures against a URL with `%2F` decoded in its query (see S3MotoTests), and every listing here
/// has a prefix with `/`: its checking is off for this suite, whose subject is the replay, not the signature.
@Suite(.serialized, .motoServer)
struct S3ReplayTests {
    let moto: MotoServer
    let bucket = "evidence"
    static let account = "123456789012"
    static let trail = "AWSLogs/\(account)/CloudTrail/"
    static let flows = "AWSLogs/\(account)/vpcflowlogs/us-east-1/"
    static let backup = "failed-deliveries/http-endpoint-failed/"

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        try moto.authenticate(afterUnauthenticatedCalls: "inf")
        try moto.createBucket(bucket)
    }

    // MARK: The objects

    /// A CloudTrail log file as the trail writes it to S3: gzip'd `{"Records":[...]}`.
    static func trailFile(_ records: [String]) -> [UInt8] {
        Gzip.compress(Array((#"{"Records":["# + records.joined(separator: ",") + "]}").utf8))
    }

    static func ingress(_ group: String, port: Int = 22, event: Int) -> String {
        FirehoseFixture.authorizeIngressRecord(groupId: group, ruleId: "sgr-0\(event)", port: port,
                                               eventID: "3f1e8a52-7c4d-4b9e-a0f1-6d2c5b8e9a\(String(format: "%02d", event))")
    }

    /// A flow-log file as VPC Flow Logs delivers it to S3: gzip'd text, a header line, then the records.
    static func flowFile(_ lines: [String]) -> [UInt8] {
        Gzip.compress(Array((["version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"]
            + lines).joined(separator: "\n").utf8 + [0x0a]))
    }

    /// 25 ports of one instance probed within a minute, all refused: a port scan.
    static let probes = (1...25).map { port in
        "2 \(account) eni-0a1b2c3d4e5f60718 198.51.100.77 10.0.1.5 51514 \(port * 7) 6 1 44 1714608000 \(1714608000 + port) REJECT OK"
    }

    /// An object of Firehose's backup of failed deliveries: one error record per Firehose record, its bytes (gzip'd
    /// CloudWatch Logs subscription messages, as the stream received them) base64 in `rawData`.
    static func backupObject(_ records: [[UInt8]]) -> [UInt8] {
        Array(records.enumerated().map { index, record in
            #"{"attemptsMade":12,"arrivalTimestamp":1714644000000,"errorCode":"HttpEndpoint.DestinationException","#
                + #""errorMessage":"The following response was received from the endpoint destination. 503: {\"requestId\": "#
                + #"\"0b1f\", \"timestamp\": 1714644300000, \"errorMessage\": \"unavailable\"}","attemptEndingTimestamp":1714651200000,"#
                + #""rawData":""# + Data(record).base64EncodedString() + #"","subsequenceNumber":0,"dataId":"4960\#(index).0"}"#
        }.joined(separator: "\n").utf8 + [0x0a])
    }

    static let backupRecords: [[UInt8]] = [
        Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: [
            "2 \(account) eni-0feedface0000001 10.0.1.9 203.0.113.9 40000 4444 6 1 40 1714644000 1714644009 REJECT OK"])),
        Gzip.compress(FirehoseFixture.cloudWatchPayload(logGroup: "aws-cloudtrail-logs-\(account)",
                                                        logStream: "\(account)_CloudTrail_us-east-1",
                                                        messages: [ingress("sg-0ccc3", event: 3)], firstId: 500)),
    ]

    /// The bucket: three days of the trail, flow logs on two days, one backup object; what 2024-05-02 holds, by key.
    @discardableResult
    func fill() throws -> [(key: String, body: [UInt8])] {
        let day2: [(key: String, body: [UInt8])] = [
            (Self.trail + "us-east-1/2024/05/02/\(Self.account)_CloudTrail_us-east-1_20240502T1005Z_a1.json.gz",
             Self.trailFile([Self.ingress("sg-0aaa1", event: 1),
                             FirehoseFixture.cloudTrailRecord(eventName: "DescribeInstances", cidr: "10.0.0.0/8")])),
            (Self.trail + "us-west-2/2024/05/02/\(Self.account)_CloudTrail_us-west-2_20240502T1010Z_b2.json.gz",
             Self.trailFile([Self.ingress("sg-0bbb2", port: 3389, event: 2)])),
            (Self.flows + "2024/05/02/\(Self.account)_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20240502T0000Z_c3.log.gz",
             Self.flowFile(Self.probes)),
            (Self.backup + "2024/05/02/10/firebreak-delivery-1-2024-05-02-10-11-12-5f1d0c2e-8a4b-4c3d-9e2f-1a2b3c4d5e6f",
             Self.backupObject(Self.backupRecords)),
        ]
        let others: [(key: String, body: [UInt8])] = [
            (Self.trail + "us-east-1/2024/05/01/\(Self.account)_CloudTrail_us-east-1_20240501T2355Z_d4.json.gz",
             Self.trailFile([Self.ingress("sg-0day1", event: 4)])),
            (Self.flows + "2024/05/03/\(Self.account)_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20240503T0000Z_e5.log.gz",
             Self.flowFile(["2 \(Self.account) eni-0day3 10.0.1.7 203.0.113.99 40001 4444 6 1 40 1714694400 1714694409 REJECT OK"])),
        ]
        for object in day2 + others { try moto.putObject(bucket: bucket, key: object.key, body: object.body) }
        return day2.sorted { $0.key < $1.key }
    }

    /// AWS settings for the binary: moto's endpoint, its keys, the region.
    var aws: [String: String] {
        ["AWS_ENDPOINT_URL": moto.endpoint.absoluteString, "AWS_ACCESS_KEY_ID": moto.credentials.accessKeyID,
         "AWS_SECRET_ACCESS_KEY": moto.credentials.secretAccessKey, "AWS_REGION": moto.region,
         "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]
    }

    static func findings(in text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    // MARK: Tests

    @Test func oneDayFromS3FindsWhatItsFilesFindLocally() throws {
        let day2 = try fill()
        let fromS3 = try CommandResult.run(["replay", "--since", "2024-05-02", "--until", "2024-05-02", "s3://\(bucket)/"],
                                           environment: aws)
        #expect(fromS3.status == 1, "replay exits 1 when it finds something: \(fromS3.stderr)")
        #expect(fromS3.stderr.isEmpty, "on a pipe only the findings are written: \(fromS3.stderr)")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fb-s3replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for (index, object) in day2.enumerated() {
            let file = folder.appendingPathComponent("\(index)-" + (object.key.split(separator: "/").last.map(String.init) ?? "x"))
            try Data(object.body).write(to: file)
            paths.append(file.path)
        }
        let local = try CommandResult.run(["replay"] + paths, environment: aws)
        #expect(local.status == 1, "\(local.stderr)")
        #expect(fromS3.stdout == local.stdout, "S3:\n\(fromS3.stdout)\nlocal:\n\(local.stdout)")

        // Every layout contributed, and the other days did not.
        let found = Self.findings(in: fromS3.stdout)
        let rules = Set(found.compactMap { $0["ruleId"] as? String })
        #expect(rules.contains(DetectionIntakeTests.worldOpenIngressRule))
        #expect(rules.contains(DetectionIntakeTests.portScanRule), "the flow-log file's port scan: \(fromS3.stdout)")
        for group in ["sg-0aaa1", "sg-0bbb2", "sg-0ccc3", "eni-0feedface0000001"] {
            #expect(fromS3.stdout.contains(group), "\(group) is in 2024-05-02's objects")
        }
        for other in ["sg-0day1", "eni-0day3"] {
            #expect(!fromS3.stdout.contains(other), "\(other) is another day's")
        }

        // Without a range, every day is read.
        let everything = try CommandResult.run(["replay", "s3://\(bucket)/AWSLogs/"], environment: aws)
        #expect(everything.stdout.contains("sg-0day1") && everything.stdout.contains("eni-0day3"))
        #expect(!everything.stdout.contains("sg-0ccc3"), "the backup is not under AWSLogs/")
    }

    @Test func progressOnATerminalAndNothingOnAPipe() throws {
        try fill()
        // Open-ended: 2024-05-02 and later, four objects of that day and one of the next.
        let arguments = ["replay", "--since", "2024-05-02", "s3://\(bucket)/"]
        let terminal = try Self.runOnTerminal(arguments, environment: aws)
        #expect(terminal.status == 1, "\(terminal.stderr)")
        #expect(terminal.stderr.contains("firebreak replay: 0/5 objects"), "the first progress line: \(terminal.stderr)")
        #expect(terminal.stderr.contains("firebreak replay: 5/5 objects"), "the last progress line: \(terminal.stderr)")
        #expect(terminal.stderr.contains("\u{1B}[K"), "redrawn in place")
        let summary = try #require(terminal.stderr.components(separatedBy: "firebreak replay: done: ").last)
        #expect(summary.hasPrefix("5 objects, "), "\(terminal.stderr)")
        #expect(summary.contains(" events, ") && summary.contains(" findings in "))
        #expect(!terminal.stdout.isEmpty && !terminal.stdout.contains("objects,"), "findings alone on standard output")

        let piped = try CommandResult.run(arguments, environment: aws)
        #expect(piped.status == 1)
        #expect(piped.stderr.isEmpty, "\(piped.stderr)")
        #expect(piped.stdout == terminal.stdout)

        // A local replay shows the same on a terminal.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fb-progress-\(UUID().uuidString).log.gz")
        try Data(Self.flowFile(Self.probes)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let local = try Self.runOnTerminal(["replay", file.path], environment: aws)
        #expect(local.stderr.contains("firebreak replay: 1/1 objects") && local.stderr.contains("firebreak replay: done: 1 object, "))
    }

    @Test func respondCommitsAReplayedDeliveryOnce() throws {
        try fill()
        let service = try ServiceProcess(environment: aws)
        let replay = ["replay", "--respond", "s3://\(bucket)/\(Self.backup)"]
        let environment = aws.merging(["FIREBREAK_STORE": service.storePath]) { _, new in new }

        let first = try Self.runOnTerminal(replay, environment: environment)
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stderr.contains("committed 1 input ("), "\(first.stderr)")
        #expect(first.stderr.contains("), 0 committed before"))
        let found = Self.findings(in: first.stdout)
        // The backup's one world-open ingress (sg-0ccc3).
        let ingress = try #require(found.first { $0["ruleId"] as? String == DetectionIntakeTests.worldOpenIngressRule },
                                   "\(first.stdout)")
        let id = try #require(ingress["findingId"] as? String)

        // The service's executor acts on what the replay committed: the playbook's steps, recorded once each.
        var actions: [[String: Any]] = []
        let settled = try Polling.holds {
            actions = try service.adminClient().roundTrip(method: "GET", path: "/findings/\(id)").json?["actions"] as? [[String: Any]] ?? []
            return !actions.isEmpty && actions.allSatisfy { !["pending", "running"].contains($0["state"] as? String ?? "") }
        }
        #expect(settled, "actions: \(actions)\n\(service.output.suffix(3000))")
        #expect(actions.contains { $0["step"] as? String == "revoke-ingress" })
        let stored = try storedCounts(service)
        #expect(stored[id] == 1)

        // The same object again: nothing new is committed, the findings are still printed.
        let second = try Self.runOnTerminal(replay, environment: environment)
        #expect(second.status == 1)
        #expect(second.stderr.contains("committed 0 inputs (0 new findings, 0 actions planned), 1 committed before"), "\(second.stderr)")
        #expect(Self.findings(in: second.stdout).compactMap { $0["findingId"] as? String }
            == found.compactMap { $0["findingId"] as? String })
        #expect(try storedCounts(service) == stored, "no finding counted twice")
        let after = try service.adminClient().roundTrip(method: "GET", path: "/findings/\(id)").json?["actions"] as? [[String: Any]] ?? []
        #expect(after.count == actions.count, "no action planned twice")
    }

    @Test func respondNeedsTheServicesStore() throws {
        try fill()
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("fb-none-\(UUID().uuidString)/firebreak.sqlite").path
        let result = try CommandResult.run(["replay", "--respond", "s3://\(bucket)/\(Self.backup)"],
                                           environment: aws.merging(["FIREBREAK_STORE": missing]) { _, new in new })
        #expect(result.status == 2)
        #expect(result.stderr.contains("--respond commits findings into the service's store, and there is none at \(missing)"),
                "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing), "no store is created")
        #expect(result.stdout.isEmpty)
    }

    @Test func anObjectOverTheLimitIsRefusedBeforeItIsRead() throws {
        try fill()
        let result = try CommandResult.run(["replay", "--max-object-bytes", "100", "s3://\(bucket)/\(Self.trail)"],
                                           environment: aws)
        #expect(result.status == 2)
        #expect(result.stderr.contains("bytes, more than the 100-byte limit (--max-object-bytes)"), "\(result.stderr)")
    }

    @Test func usageErrors() throws {
        let local = try CommandResult.run(["replay", "--since", "2024-05-02", "/dev/null"], environment: aws)
        #expect(local.status == 2 && local.stderr.contains("no s3:// source was given"), "\(local.stderr)")
        let date = try CommandResult.run(["replay", "--until", "2024-5-2", "s3://\(bucket)/"], environment: aws)
        #expect(date.status == 2 && date.stderr.contains("--until takes a date as YYYY-MM-DD"), "\(date.stderr)")
        let bucket = try CommandResult.run(["replay", "s3://no-such-bucket/AWSLogs/"], environment: aws)
        #expect(bucket.status == 2 && bucket.stderr.contains("NoSuchBucket"), "\(bucket.stderr)")
    }

    // MARK: Helpers

    /// (finding id → count) of every finding the service's store holds.
    func storedCounts(_ service: ServiceProcess) throws -> [String: Int] {
        let list = try service.adminClient().roundTrip(method: "GET", path: "/findings?limit=1000").json?["findings"] as? [[String: Any]] ?? []
        return Dictionary(list.compactMap { item in (item["findingId"] as? String).map { ($0, item["count"] as? Int ?? -1) } },
                          uniquingKeysWith: { a, _ in a })
    }

    /// Runs the binary with standard error on a pseudo-terminal (python3's `pty`) and standard output on a pipe;
    /// the terminal's output comes back as `stderr` (its line ends are `\r\n`).
    static func runOnTerminal(_ arguments: [String], environment: [String: String]) throws -> CommandResult {
        let script = """
            import os, pty, subprocess, sys, threading
            master, slave = pty.openpty()
            child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
            os.close(slave)
            out = []
            reader = threading.Thread(target=lambda: out.append(child.stdout.read()))
            reader.start()
            terminal = []
            while True:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                terminal.append(data)
            code = child.wait()
            reader.join()
            sys.stdout.buffer.write(b"".join(out))
            sys.stderr.buffer.write(b"".join(terminal))
            sys.exit(code)
            """
        return CommandResult(try ChildProcess.run(executable: URL(fileURLWithPath: "/usr/bin/env"),
                                                  ["python3", "-c", script, ServiceProcess.binary.path] + arguments,
                                                  environment: CommandResult.environment(environment), timeout: 120))
    }
}
