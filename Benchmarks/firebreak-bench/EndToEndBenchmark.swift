import FirebreakLogs
import FirebreakResponse
import Foundation
import Synchronization

/// End to end over loopback HTTP: Firehose deliveries of 100,000 flow records (200 CloudWatch Logs batches of 500
/// lines, about 3.8 MiB as these ids and addresses compress) POSTed to the release `firebreak serve` (a child
/// process, see `ServeProcess`) over two keep-alive connections, each delivery with a new
/// `X-Amz-Firehose-Request-Id` and the access key, timed from the first byte sent to the last 200 received. Two data
/// sets from one VPC of 500 ENIs: quiet (no rule matches) and the noisy day (half the flows on unexpected ports,
/// 7 % REJECTed). Each is reported in records/s next to the zlib inflate baseline of the same gzip'd records,
/// measured in this process before and after every round; and the store's growth (the SQLite file once stopped) per million
/// noisy records.
enum EndToEndBenchmark {
    struct SetFigures {
        var name: String
        var deliveries: Int
        var recordsPerDelivery: Int
        var bodyBytes: Int
        /// The gzip'd records of the timed rounds, per flow record.
        var gzipBytesPerRecord: Double
        var recordsPerSecond: Double
        var baselineRecordsPerSecond: Double
        /// What the service counted for this set (all rounds, warm-up included), from `/metrics`.
        var events: Double
        var findings: Double
        var recordsSent: Int
    }

    struct Figures {
        var quiet: SetFigures
        var noisy: SetFigures
        /// Growth of the SQLite file over the noisy set (once the service stopped, its -wal checkpointed and removed),
        /// per million noisy records sent.
        var storeBytesPerMillionNoisy: Double
        /// The gzip'd records of a million noisy records: what keeping the deliveries themselves would take.
        var gzipBytesPerMillionNoisy: Double
    }

    static let interfaces = 500
    static let recordsPerBatch = 500
    static let batchesPerDelivery = 200   // 100,000 flow records per delivery

    /// Deliveries per round: one per connection, sent at once.
    static let deliveries = 2
    /// A set's rounds stop once they have taken this long (the noisy set takes about a minute per round today).
    static let budgetSeconds = 30.0

    /// Up to `rounds` timed rounds per set; the quiet set, which runs first, after a warm-up round. Nil when
    /// `firebreak` was not built beside this executable.
    static func run(packageRoot: URL, rounds: Int) throws -> Figures? {
        guard let binary = ServeProcess.binary else {
            FileHandle.standardError.write(Data("firebreak is not built beside firebreak-bench: end-to-end figures left out\n".utf8))
            return nil
        }
        var generator = FlowLogGenerator(seed: 0xE2E)
        let vpc = FlowLogGenerator.VPC(interfaces: interfaces)
        let day = 1_764_547_200   // 2025-12-01T00:00:00Z
        func bodies(quiet: Bool, minute: Int) -> [Body] {
            (0..<deliveries).map { d in
                generator.vpcDelivery(vpc, records: batchesPerDelivery, linesPerRecord: recordsPerBatch,
                                      start: day + 60 * (minute + d), quiet: quiet)
            }
        }
        let quietBodies = bodies(quiet: true, minute: 0)

        let service = try ServeProcess(binary: binary, packageRoot: packageRoot)
        defer { service.remove() }
        print("end-to-end: firebreak serve on 127.0.0.1:\(service.port) (log \(service.logPath))")
        // Quiet deliveries are sent again each round (new request ids; nothing matches, so nothing is kept but the
        // ids). Noisy ones are new each round, later in the day: a finding of the same flow again would be counted
        // on the stored one and the store would not grow.
        let quiet = try measure("quiet", service: service, rounds: rounds, warmUp: true) { _ in quietBodies }
        let storeBefore = service.storeBytes
        let noisy = try measure("noisy", service: service, rounds: rounds, warmUp: false) { round in
            bodies(quiet: false, minute: deliveries * (round + 1))
        }
        Thread.sleep(forTimeInterval: 1)   // the executor records the outcome of the alerts it was handed
        let storeAfter = service.storeBytes
        let walAfter = service.walBytes
        let actions = (try? service.metricLines("firebreak_actions{")) ?? []
        let status = service.stop()
        // What the store keeps: the file once the service stopped and its -wal was checkpointed into it (opening and
        // closing the store does that: the last connection to close checkpoints and removes the -wal). The -wal of a
        // running service is bounded (checkpointed at 4 MiB) and is not growth.
        try? ResponseStore(path: service.storePath).close()
        let storeStopped = service.storeBytes
        print("end-to-end: store \(storeBefore >> 10) KiB before the noisy set, \(storeAfter >> 10) KiB after it "
              + "(\(walAfter >> 10) KiB of it the -wal; \(storeStopped >> 10) KiB once stopped, exit \(status)); "
              + "service log \(service.logBytes >> 20) MiB; actions: \(actions.joined(separator: ", "))")
        let million = 1_000_000 / Double(noisy.recordsSent)
        return Figures(quiet: quiet, noisy: noisy, storeBytesPerMillionNoisy: Double(storeStopped - storeBefore) * million,
                       gzipBytesPerMillionNoisy: noisy.gzipBytesPerRecord * 1_000_000)
    }

    /// A request body around its request id.
    typealias Body = (prefix: [UInt8], suffix: [UInt8])

    /// Rounds of `bodies(round)` over two connections (up to `rounds`, within `budgetSeconds`, at least one; round 0
    /// is the warm-up when there is one), each between two runs of the baseline on the same records.
    private static func measure(_ name: String, service: ServeProcess, rounds: Int, warmUp: Bool,
                                bodies: (Int) -> [Body]) throws -> SetFigures {
        let perDelivery = batchesPerDelivery * recordsPerBatch
        let total = deliveries * perDelivery
        var round = 0
        var first = bodies(round)
        let bodyBytes = first.reduce(0) { $0 + $1.prefix.count + 36 + $1.suffix.count } / first.count
        print("end-to-end \(name): \(deliveries) deliveries a round of \(perDelivery) flow records, \(bodyBytes >> 10) KiB each")

        let eventsBefore = try service.metric(#"firebreak_events_total{type="vpcflow"}"#)
        let findingsBefore = try service.metric("firebreak_findings_total")
        let connections = [try KeepAliveConnection(port: service.port), try KeepAliveConnection(port: service.port)]
        var sent = 0
        func send(_ chosen: [Body]) throws -> Double {
            let requests = chosen.map { request($0, service: service) }
            sent += chosen.count * perDelivery
            return try post(requests, over: connections)
        }
        if warmUp {
            _ = try send(first)
            round += 1
            first = bodies(round)
        }
        var oursTimes: [Double] = []
        var baseTimes: [Double] = []
        var gzipBytes = 0
        while oursTimes.count < max(1, rounds) && (oursTimes.isEmpty || oursTimes.reduce(0, +) < budgetSeconds) {
            let chosen = oursTimes.isEmpty ? first : bodies(round)
            round += 1
            var records: [[UInt8]] = []
            for body in chosen {
                records += try FirehoseDelivery.parse(body.prefix + Array("bench".utf8) + body.suffix).records
            }
            gzipBytes += records.reduce(0) { $0 + $1.count }
            baseTimes.append(Stopwatch.time { Baseline.run(records) })
            oursTimes.append(try send(chosen))
            baseTimes.append(Stopwatch.time { Baseline.run(records) })
            print("end-to-end \(name) round \(oursTimes.count): \(Stopwatch.format(oursTimes.last!)) s for \(total) records "
                  + "(inflate \(Stopwatch.format(baseTimes.suffix(2).reduce(0, +) * 500)) ms)")
        }
        let figures = SetFigures(name: name, deliveries: deliveries, recordsPerDelivery: perDelivery, bodyBytes: bodyBytes,
                                 gzipBytesPerRecord: Double(gzipBytes) / Double(total * oursTimes.count),
                                 recordsPerSecond: Double(total) / Stopwatch.median(oursTimes),
                                 baselineRecordsPerSecond: Double(total) / Stopwatch.median(baseTimes),
                                 events: try service.metric(#"firebreak_events_total{type="vpcflow"}"#) - eventsBefore,
                                 findings: try service.metric("firebreak_findings_total") - findingsBefore, recordsSent: sent)
        print("end-to-end \(name): service counted \(Int(figures.events)) flow events of \(sent) sent, \(Int(figures.findings)) findings")
        return figures
    }

    /// The request as Firehose sends it, with a new request id in the header and the body.
    static func request(_ body: (prefix: [UInt8], suffix: [UInt8]), service: ServeProcess) -> [UInt8] {
        let id = UUID().uuidString.lowercased()
        let content = body.prefix + Array(id.utf8) + body.suffix
        let head = "POST /firehose HTTP/1.1\r\nHost: 127.0.0.1:\(service.port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(content.count)\r\nUser-Agent: Amazon Kinesis Data Firehose Agent/1.0\r\n"
            + "X-Amz-Firehose-Protocol-Version: 1.0\r\nX-Amz-Firehose-Request-Id: \(id)\r\n"
            + "X-Amz-Firehose-Source-Arn: arn:aws:firehose:us-east-1:123456789012:deliverystream/firebreak\r\n"
            + "X-Amz-Firehose-Access-Key: \(service.accessKey)\r\n\r\n"
        return Array(head.utf8) + content
    }

    /// Seconds from the first byte sent to the last answer, requests alternating between the connections, each
    /// connection on its own thread. Anything but 200 fails the benchmark.
    private static func post(_ requests: [[UInt8]], over connections: [KeepAliveConnection]) throws -> Double {
        let failures = Failures()
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        for (index, connection) in connections.enumerated() {
            let mine = requests.enumerated().filter { $0.offset % connections.count == index }.map(\.element)
            group.enter()
            Thread {
                defer { group.leave() }
                for request in mine {
                    do {
                        let response = try connection.send(request)
                        if response.status != 200 {
                            failures.add("status \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
                        }
                    } catch {
                        failures.add("\(error)")
                        return
                    }
                }
            }.start()
        }
        group.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if let failure = failures.first { throw ServeProcess.Failure(description: "a delivery failed: \(failure)") }
        return seconds
    }

    /// What the sending threads met.
    private final class Failures: Sendable {
        private let list = Mutex<[String]>([])
        func add(_ failure: String) { list.withLock { $0.append(failure) } }
        var first: String? { list.withLock { $0.first } }
    }
}
