import FirebreakTestSupport
import Foundation

/// What the shared state table costs (`store.backend: dynamodb`): the DynamoDB requests `firebreak serve` makes per
/// million flow records on a quiet and on a noisy day, counted at a `FaultProxy` between the service and a
/// `moto_server` that holds the table `firebreak-state` (as `firebreak store init` makes it).
///
/// The release service runs in observe mode with the built-in rules and playbooks, `AWS_ENDPOINT_URL` the proxy and
/// moto's keys and region. Deliveries are made like `EndToEndBenchmark`'s (`FlowLogGenerator`, one VPC of 500 ENIs;
/// quiet: no rule matches; noisy: half the flows on unexpected ports, 7 % REJECTed), smaller, because moto is slow
/// (it copies the whole table for every item of a TransactWriteItems): `Size.deliveries` deliveries of 10 CloudWatch
/// Logs batches × 500 lines = 5,000 flow records, each with a new request id, sent one after another over one
/// keep-alive connection, the noisy ones at later minutes of the day than the quiet ones (each minute new: the same
/// flows again would only count into the stored findings). Every delivery must be answered 200.
///
/// Each set's requests are counted twice: while the deliveries are POSTed (to the last 200: the delivery path, with
/// whatever the executor did meanwhile), and after it until the executor settled (no DynamoDB request but its
/// outbox polling for `settleQuietSeconds`): in observe mode its actions end as skipped, or as alerts without a
/// topic. Only DynamoDB requests count (`X-Amz-Target: DynamoDB_20120810.<operation>`; not EC2's, nor /moto-api).
/// The executor polls the outbox (a Query of each of its shards, twice a second) whatever arrives: that depends on
/// time, not on records, so those queries are counted apart (`polls`) and left out of the per-record figures; their
/// rate with nothing to do is measured before the first set.
enum StateTableBenchmark {
    static let table = "firebreak-state"
    static let interfaces = 500
    /// The size of the sets (`--state-deliveries`, `--state-batches`, `--state-lines`). A batch is one ENI's log
    /// stream, and findings are made per ENI: fewer batches of the same size keep the noisy day's requests per record
    /// (moto needs 17, 30 and 45 s for the three noisy deliveries of 5,000 records; 58 s for one of 10,000, and over
    /// 120 s for the second); the quiet day's requests are a few per delivery, whatever its size.
    struct Size {
        var deliveries = 3
        var batchesPerDelivery = 10
        var linesPerBatch = 500   // 5,000 flow records per delivery
        var recordsPerDelivery: Int { batchesPerDelivery * linesPerBatch }
    }
    /// The executor has settled once no DynamoDB request but its outbox polls came for this long.
    static let settleQuietSeconds = 2.5
    /// A set's settling is cut off (and the benchmark fails) after this long.
    static let settleLimitSeconds = 240.0

    /// One DynamoDB request as the proxy saw it.
    struct Request {
        var operation: String
        /// What the request touches: the `pk` prefix (`req#…` is `req`, `finding#…` `finding`, `counts`), with
        /// `+actions` for a Query of a finding's actions, `corr-fired` for a correlation's `fired` item (`corr` its
        /// buckets); `a+b` for a transaction over several kinds.
        var kind: String
        /// Items written: 1 for a put, update or delete; the items of a TransactWriteItems or BatchWriteItem (nil
        /// when its body could not be read).
        var writeItems: Int?
        /// What DynamoDB answered instead of 200 (`ConditionalCheckFailedException`, say); nil for 200.
        var error: String?
        var failed: Bool { error != nil }
        /// The executor's outbox or summary poll (a Query of `outbox#<shard>` or `summary`).
        var isPoll: Bool { operation == "Query" && (kind == "outbox" || kind == "summary") }
        var isWrite: Bool { StateTableBenchmark.writeOperations.contains(operation) }
    }

    static let writeOperations: Set<String> = ["PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"]
    static let readOperations: Set<String> = ["GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"]

    /// Counts over some requests.
    struct Tally {
        var requests = 0
        var polls = 0
        var reads = 0
        var writes = 0
        /// Items the writes wrote (a transaction's items counted one by one).
        var writeItems = 0
        /// Transactions whose items could not be read from their body (counted as one item each).
        var unreadTransactions = 0
        var failed = 0
        /// Requests but polls, by operation.
        var byOperation: [String: Int] = [:]
        /// Requests but polls, by operation and item kind (`PutItem req`).
        var byItem: [String: Int] = [:]
        /// Failed requests but polls, by operation, item kind and error (`UpdateItem finding: ConditionalCheckFailedException`).
        var failedByItem: [String: Int] = [:]

        init(_ requests: ArraySlice<Request>) {
            for request in requests {
                if request.isPoll {
                    polls += 1
                    continue
                }
                self.requests += 1
                byOperation[request.operation, default: 0] += 1
                byItem["\(request.operation) \(request.kind)", default: 0] += 1
                if let error = request.error {
                    failed += 1
                    failedByItem["\(request.operation) \(request.kind): \(error)", default: 0] += 1
                }
                if request.isWrite {
                    writes += 1
                    if let items = request.writeItems {
                        writeItems += items
                    } else {
                        writeItems += 1
                        unreadTransactions += 1
                    }
                } else if StateTableBenchmark.readOperations.contains(request.operation) {
                    reads += 1
                }
            }
        }
    }

    struct SetFigures {
        var name: String
        var deliveries: Int
        var records: Int
        var events: Double
        var findings: Double
        var postSeconds: Double
        var settleSeconds: Double
        /// While the deliveries were POSTed.
        var delivering: Tally
        /// After the last 200, until the executor settled.
        var settling: Tally
        /// Both.
        var total: Tally

        func perMillion(_ count: Int) -> Double { Double(count) * 1_000_000 / Double(records) }
        func perDelivery(_ count: Int) -> Double { Double(count) / Double(deliveries) }
    }

    struct Figures {
        var quiet: SetFigures
        var noisy: SetFigures
        /// The executor's outbox queries per second with nothing to do.
        var idlePollsPerSecond: Double
        var seconds: Double
    }

    /// Nil when `firebreak` is not built beside this executable or moto is not installed.
    static func run(packageRoot: URL, size: Size = Size()) throws -> Figures? {
        let started = DispatchTime.now().uptimeNanoseconds
        guard let binary = ServeProcess.binary else {
            FileHandle.standardError.write(Data("firebreak is not built beside firebreak-bench: state table figures left out\n".utf8))
            return nil
        }
        let moto: MotoServer
        do {
            moto = try MotoServer.start(timeout: .seconds(30))
        } catch {
            FileHandle.standardError.write(Data("moto_server is not available: state table figures left out (\(error))\n".utf8))
            return nil
        }
        defer { moto.stop() }
        _ = try moto.stateTable(table)   // straight to moto: not counted
        let proxy = try FaultProxy(upstream: moto.endpoint)
        defer { proxy.stop() }
        let credentials = moto.credentials
        let endpoint = proxy.endpoint.absoluteString.hasSuffix("/") ? String(proxy.endpoint.absoluteString.dropLast())
                                                                     : proxy.endpoint.absoluteString
        let service = try ServeProcess(binary: binary, packageRoot: packageRoot,
                                       store: "  backend: dynamodb\n  dynamodb:\n    table: \"\(table)\"",
                                       environment: ["AWS_ENDPOINT_URL": endpoint, "AWS_REGION": moto.region,
                                                     "AWS_ACCESS_KEY_ID": credentials.accessKeyID,
                                                     "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey])
        defer { service.remove() }
        print("state table: firebreak serve on 127.0.0.1:\(service.port) (log \(service.logPath)), table \(table) "
              + "in moto_server 127.0.0.1:\(moto.port) behind a counting proxy on 127.0.0.1:\(proxy.port)")

        var generator = FlowLogGenerator(seed: 0xD1A0)
        let vpc = FlowLogGenerator.VPC(interfaces: interfaces)
        let day = 1_764_547_200   // 2025-12-01T00:00:00Z, as the end-to-end benchmark
        func bodies(quiet: Bool, firstMinute: Int) -> [EndToEndBenchmark.Body] {
            (0..<size.deliveries).map { d in
                generator.vpcDelivery(vpc, records: size.batchesPerDelivery, linesPerRecord: size.linesPerBatch,
                                      start: day + 60 * (firstMinute + d), quiet: quiet)
            }
        }
        let quietBodies = bodies(quiet: true, firstMinute: 0)
        let noisyBodies = bodies(quiet: false, firstMinute: size.deliveries)

        let log = RequestLog(proxy: proxy)
        // Start-up is over once the executor only polls; then its polls with nothing to do, for a few seconds.
        _ = try log.settle(from: 0, quietFor: 1, limit: 30)
        let idleFrom = log.update()
        let idleStart = DispatchTime.now().uptimeNanoseconds
        Thread.sleep(forTimeInterval: 3)
        let idleEnd = log.update()
        let idleSeconds = Double(DispatchTime.now().uptimeNanoseconds - idleStart) / 1e9
        let idle = Tally(log.requests[idleFrom..<idleEnd])
        let idlePollsPerSecond = Double(idle.polls) / idleSeconds
        print("state table: idle, the executor polls the outbox with \(Stopwatch.format(idlePollsPerSecond)) queries/s"
              + (idle.requests > 0 ? " (and \(idle.requests) other requests)" : ""))

        let quiet = try measure("quiet", quietBodies, size: size, service: service, log: log)
        let noisy = try measure("noisy", noisyBodies, size: size, service: service, log: log)
        let late = log.update()
        if late > log.counted {
            let after = Tally(log.requests[log.counted..<late])
            if after.requests > 0 { print("state table: \(after.requests) requests after the noisy set settled (not counted)") }
        }
        return Figures(quiet: quiet, noisy: noisy, idlePollsPerSecond: idlePollsPerSecond,
                       seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }

    /// Sends one set, one delivery after another, and counts what it cost.
    private static func measure(_ name: String, _ bodies: [EndToEndBenchmark.Body], size: Size, service: ServeProcess,
                                log: RequestLog) throws -> SetFigures {
        let records = bodies.count * size.recordsPerDelivery
        let eventsBefore = try service.metric(#"firebreak_events_total{type="vpcflow"}"#)
        let findingsBefore = try service.metric("firebreak_findings_total")
        let from = log.update()
        let connection = try KeepAliveConnection(port: service.port, timeout: Int(settleLimitSeconds))
        let postStart = DispatchTime.now().uptimeNanoseconds
        for (index, body) in bodies.enumerated() {
            let request = EndToEndBenchmark.request(body, service: service)
            let sent = DispatchTime.now().uptimeNanoseconds
            let before = log.update()
            let response: HTTPWireMessage
            do {
                response = try connection.send(request)
            } catch {
                let now = log.update()
                let tally = Tally(log.requests[before..<now])
                throw ServeProcess.Failure(description: "state table \(name) delivery \(index + 1): \(error) "
                                           + "after \(tally.requests) DynamoDB requests \(tally.byItem)")
            }
            let now = log.update()
            let tally = Tally(log.requests[before..<now])
            print("state table \(name) delivery \(index + 1): \(response.status) after "
                  + "\(Stopwatch.format(Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e9)) s, "
                  + "\(tally.requests) DynamoDB requests meanwhile")
            guard response.status == 200 else {
                throw ServeProcess.Failure(description: "state table \(name) delivery \(index + 1) answered \(response.status): "
                                           + String(decoding: response.body.prefix(300), as: UTF8.self))
            }
        }
        let postSeconds = Double(DispatchTime.now().uptimeNanoseconds - postStart) / 1e9
        let posted = log.update()
        let settleSeconds = try log.settle(from: posted, quietFor: settleQuietSeconds, limit: settleLimitSeconds)
        let settled = log.update()
        log.counted = settled
        let figures = SetFigures(name: name, deliveries: bodies.count, records: records,
                                 events: try service.metric(#"firebreak_events_total{type="vpcflow"}"#) - eventsBefore,
                                 findings: try service.metric("firebreak_findings_total") - findingsBefore,
                                 postSeconds: postSeconds, settleSeconds: settleSeconds,
                                 delivering: Tally(log.requests[from..<posted]), settling: Tally(log.requests[posted..<settled]),
                                 total: Tally(log.requests[from..<settled]))
        printSummary(figures)
        return figures
    }

    private static func printSummary(_ set: SetFigures) {
        let t = set.total
        print("state table \(set.name): \(set.deliveries) deliveries, \(set.records) flow records "
              + "(\(Int(set.events)) counted), \(Int(set.findings)) findings; POSTs \(Stopwatch.format(set.postSeconds)) s, "
              + (set.settling.requests == 0 ? "no executor work after the last 200"
                                             : "executor settled \(Stopwatch.format(set.settleSeconds)) s after the last 200"))
        print("state table \(set.name): \(t.requests) DynamoDB requests (\(set.delivering.requests) while delivering, "
              + "\(set.settling.requests) after), \(Stopwatch.format(set.perDelivery(t.requests))) per delivery, "
              + "\(Stopwatch.format(set.perMillion(t.requests))) per million records: reads \(Stopwatch.format(set.perMillion(t.reads))), "
              + "writes \(Stopwatch.format(set.perMillion(t.writes))) (\(Stopwatch.format(set.perMillion(t.writeItems))) items written); "
              + "\(t.failed) failed conditions; \(t.polls) outbox polls apart")
        let items = t.byItem.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { "\($0.key) \(Stopwatch.format(set.perMillion($0.value)))" }
        print("state table \(set.name) per million records: " + items.joined(separator: ", "))
        if !t.failedByItem.isEmpty {
            print("state table \(set.name) failed: "
                  + t.failedByItem.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
    }

    /// The DynamoDB requests the proxy forwarded so far, classified once each, in the order they were answered.
    final class RequestLog {
        let proxy: FaultProxy
        private(set) var requests: [Request] = []
        /// Exchanges of the proxy looked at (DynamoDB or not).
        private var seen = 0
        /// The end of the last set counted.
        var counted = 0

        init(proxy: FaultProxy) { self.proxy = proxy }

        /// Classifies what came since the last call; returns the number of DynamoDB requests so far.
        @discardableResult
        func update() -> Int {
            let exchanges = proxy.exchanges
            while seen < exchanges.count {
                if let request = StateTableBenchmark.classify(exchanges[seen]) { requests.append(request) }
                seen += 1
            }
            return requests.count
        }

        /// Waits until no DynamoDB request but outbox polls came for `quietFor` seconds; returns the seconds waited
        /// from when it was called to the last such request. Throws after `limit` seconds.
        func settle(from: Int, quietFor: Double, limit: Double) throws -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
            var lastWork = 0.0
            var looked = from
            while elapsed() - lastWork < quietFor {
                Thread.sleep(forTimeInterval: 0.1)
                let count = update()
                if requests[looked..<count].contains(where: { !$0.isPoll }) { lastWork = elapsed() }
                looked = count
                if elapsed() > limit {
                    throw ServeProcess.Failure(description: "the executor did not settle within \(Int(limit)) s")
                }
            }
            return lastWork
        }
    }

    /// The DynamoDB request of an exchange; nil for anything else (EC2, /moto-api).
    static func classify(_ exchange: FaultExchange) -> Request? {
        let raw = exchange.request
        guard let split = raw.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: raw[..<split.lowerBound], as: UTF8.self)
        var target: String?
        for line in head.split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "x-amz-target" {
                target = parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        guard let target, target.hasPrefix("DynamoDB_"), let dot = target.lastIndex(of: ".") else { return nil }
        let operation = String(target[target.index(after: dot)...])
        let body = (try? JSONSerialization.jsonObject(with: Data(raw[split.upperBound...]))) as? [String: Any] ?? [:]
        func pk(_ item: Any?) -> String? { ((item as? [String: Any])?["pk"] as? [String: Any])?["S"] as? String }
        func sk(_ item: Any?) -> String? { ((item as? [String: Any])?["sk"] as? [String: Any])?["S"] as? String }
        /// The `pk` prefix; a correlation's `fired` item apart from its buckets.
        func kind(_ pk: String?, _ sk: String? = nil) -> String {
            guard let pk else { return "?" }
            let prefix = String(pk.prefix { $0 != "#" })
            return prefix == "corr" && sk == "fired" ? "corr-fired" : prefix
        }
        var kinds: [String] = []
        var writeItems: Int?
        switch operation {
        case "GetItem", "UpdateItem", "DeleteItem":
            kinds = [kind(pk(body["Key"]), sk(body["Key"]))]
            writeItems = 1
        case "PutItem":
            kinds = [kind(pk(body["Item"]))]
            writeItems = 1
        case "Query":
            let values = body["ExpressionAttributeValues"] as? [String: Any]
            let condition = body["KeyConditionExpression"] as? String ?? ""
            let prefix = (values?[":prefix"] as? [String: Any])?["S"] as? String
            kinds = [kind((values?[":pk"] as? [String: Any])?["S"] as? String)
                     + (condition.contains("begins_with") && prefix == "action#" ? "+actions" : "")]
        case "TransactWriteItems":
            if let items = body["TransactItems"] as? [[String: Any]] {
                writeItems = items.count
                for item in items {
                    for (_, write) in item {
                        let write = write as? [String: Any]
                        kinds.append(kind(pk(write?["Item"]) ?? pk(write?["Key"])))
                    }
                }
            }
        case "BatchWriteItem":
            if let tables = body["RequestItems"] as? [String: [[String: Any]]] {
                writeItems = tables.values.reduce(0) { $0 + $1.count }
                for request in tables.values.joined() {
                    let put = request["PutRequest"] as? [String: Any]
                    let delete = request["DeleteRequest"] as? [String: Any]
                    kinds.append(kind(pk(put?["Item"]) ?? pk(delete?["Key"])))
                }
            }
        default:
            break
        }
        var unique: [String] = []
        for kind in kinds where !unique.contains(kind) { unique.append(kind) }
        var error: String?
        if exchange.status != 200 {
            let answer = (try? JSONSerialization.jsonObject(with: Data(exchange.responseBody))) as? [String: Any]
            let type = answer?["__type"] as? String ?? "HTTP \(exchange.status.map(String.init) ?? "none")"
            error = String(type.split(separator: "#").last ?? Substring(type))
        }
        return Request(operation: operation, kind: unique.isEmpty ? "?" : unique.joined(separator: "+"),
                       writeItems: writeOperations.contains(operation) ? writeItems : nil, error: error)
    }
}
