import FirebreakLogs
import Foundation

/// Decode throughput of Firehose deliveries carrying gzip'd CloudWatch Logs flow-log batches, next to a baseline
/// measured in the same process on the same bytes: zlib inflate of the records plus a newline count.
enum DecodeBenchmark {
    struct Figures {
        /// Flow-log events in all deliveries.
        var events: Int
        /// Decompressed CloudWatch Logs JSON, in bytes.
        var textBytes: Int
        /// Median seconds per round of the baseline.
        var baselineSeconds: Double
        /// Median seconds per round of Firebreak's decoding; nil with `baselineOnly`.
        var decodeSeconds: Double?
    }

    /// `deliveries` generated deliveries of ~5 MiB, decoded `rounds` times; with `baselineOnly` only the baseline
    /// runs (the detection figures are ratios to it).
    static func run(deliveries: Int, rounds: Int, baselineOnly: Bool) throws -> Figures {
        let time = Stopwatch.time
        var generator = FlowLogGenerator(seed: 0x5EED)
        let bodies = (0..<deliveries).map { _ in generator.delivery(targetBytes: 5 << 20, eventsPerRecord: 400) }
        let decoder = RecordDecoder()

        // Ground truth, and the work both sides share: the gzip'd records of every delivery.
        var records: [[UInt8]] = []
        var expectedEvents = 0
        var textBytes = 0
        for body in bodies {
            let delivery = try FirehoseDelivery.parse(body)
            records.append(contentsOf: delivery.records)
            for (i, record) in delivery.records.enumerated() {
                let result = try decoder.decode(record: record, index: i)
                precondition(result.issues.isEmpty, "generator produced bad lines: \(result.issues.prefix(3))")
                expectedEvents += result.events.count
            }
        }
        for record in records { textBytes += Baseline.inflatedSize(record) }
        let bodyBytes = bodies.reduce(0) { $0 + $1.count }
        print("data: \(bodies.count) deliveries, \(bodyBytes >> 10) KiB of request bodies, \(records.count) records, "
              + "\(expectedEvents) flow-log events, \(textBytes >> 10) KiB of decompressed CloudWatch Logs JSON")

        var oursTimes: [Double] = []
        var baseTimes: [Double] = []
        for round in 0..<rounds {
            // Alternate the order so that neither side always runs on a warmer cache.
            let runBaselineFirst = round % 2 == 0
            if runBaselineFirst { baseTimes.append(time { Baseline.run(records) }) }
            // baselineOnly: the baseline alone, for the detection ratios.
            if !baselineOnly { oursTimes.append(time {
                var events = 0
                for body in bodies {
                    let delivery = try! FirehoseDelivery.parse(body)
                    for (i, record) in delivery.records.enumerated() {
                        events += try! decoder.decode(record: record, index: i).events.count
                    }
                }
                precondition(events == expectedEvents)
            }) }
            if !runBaselineFirst { baseTimes.append(time { Baseline.run(records) }) }
        }
        return Figures(events: expectedEvents, textBytes: textBytes, baselineSeconds: Stopwatch.median(baseTimes),
                       decodeSeconds: baselineOnly ? nil : Stopwatch.median(oursTimes))
    }
}
