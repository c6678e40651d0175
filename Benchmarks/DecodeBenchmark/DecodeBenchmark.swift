import CZlib
import FirebreakLogs
import Foundation

/// Decode throughput of Firehose deliveries carrying gzip'd CloudWatch Logs flow-log batches,
/// next to a baseline measured in the same process on the same bytes: zlib inflate of the records
/// plus a newline count. Figures are reported as ratios to that baseline because these machines are noisy.
///
///   swift build -c release --product firebreak-bench
///   .build/release/firebreak-bench [--output Benchmarks/results.json] [--deliveries 4] [--rounds 7] [--cfn-lint-files N] [--templates-only] [--detection-only]
@main
enum DecodeBenchmark {
    struct Result: Encodable {
        var name: String
        var value: Double
        var unit: String
        var baseline: Double
        var ratio: Double
    }

    static func main() throws {
        var output: String?
        var deliveries = 4
        var rounds = 7
        var cfnLintFiles: Int?
        var templatesOnly = false
        var detectionOnly = false
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let arg = args.next() {
            switch arg {
            case "--output": output = args.next()
            case "--deliveries": deliveries = Int(args.next() ?? "") ?? deliveries
            case "--rounds": rounds = Int(args.next() ?? "") ?? rounds
            case "--cfn-lint-files": cfnLintFiles = Int(args.next() ?? "")
            case "--templates-only": templatesOnly = true
            case "--detection-only": detectionOnly = true
            default:
                FileHandle.standardError.write(Data("usage: firebreak-bench [--output FILE] [--deliveries N] [--rounds N] [--cfn-lint-files N] [--templates-only] [--detection-only]\n".utf8))
                exit(2)
            }
        }

        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // `firebreak check` runs first, in a fresh process as in a pipeline: after the detection benchmarks the
        // heap holds their rule sets and lists and template loading measured about twice as slow.
        var templateResults: [Result] = []
        if !detectionOnly, let templates = try TemplateBenchmark.run(packageRoot: packageRoot, rounds: rounds, cfnLintFiles: cfnLintFiles) {
            print("templates: \(templates.files) files (\(templates.templates) templates), \(templates.findings) findings; "
                  + "firebreak check median \(fmt(templates.checkSeconds * 1000)) ms"
                  + (templates.cfnLintSeconds.map { "; cfn-lint \(fmt($0)) s on \(templates.cfnLintFiles) files" } ?? ""))
            if let lint = templates.cfnLintSeconds {
                // cfn-lint's time for all files, extrapolated per file when it ran on a subset.
                let lintAll = lint * Double(templates.files) / Double(templates.cfnLintFiles)
                let scope = templates.cfnLintFiles == templates.files ? "" : ", cfn-lint extrapolated from \(templates.cfnLintFiles) files"
                templateResults.append(Result(name: "cfn_check_all_sample_templates_seconds", value: templates.checkSeconds,
                                      unit: "s (\(templates.files) files, one process\(scope))",
                                      baseline: lintAll, ratio: templates.checkSeconds / lintAll))
            } else {
                templateResults.append(Result(name: "cfn_check_all_sample_templates_seconds", value: templates.checkSeconds,
                                      unit: "s (\(templates.files) files, one process; no cfn-lint baseline)",
                                      baseline: 0, ratio: 0))
            }
        }
        if templatesOnly { return }   // results.json holds every benchmark: it is not written for a part
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
            // --detection-only: the baseline alone, for the detection ratios.
            if !detectionOnly { oursTimes.append(time {
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
        let base = median(baseTimes)
        let ours = detectionOnly ? base : median(oursTimes)
        let mb = Double(textBytes) / 1_000_000
        var results = detectionOnly ? [] : [
            Result(name: "firehose_flowlog_decode_records_per_second", value: Double(expectedEvents) / ours, unit: "records/s",
                   baseline: Double(expectedEvents) / base, ratio: base / ours),
            Result(name: "firehose_flowlog_decode_mb_per_second", value: mb / ours, unit: "MB/s decompressed",
                   baseline: mb / base, ratio: base / ours),
        ]
        // Rule evaluation on one core, next to the decode baseline of this same run.
        let baselineRecords = Double(expectedEvents) / base
        let detection = try DetectionBenchmark.run(packageRoot: packageRoot, rounds: rounds)
        let listFile = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata/intel/ipsum/ipsum.txt")
        let readMillis = median((0..<5).map { _ in time { _ = Baseline.countLines(listFile.path) } }) * 1000
        let listBytes = (try? FileManager.default.attributesOfItem(atPath: listFile.path)[.size] as? Int) ?? 1
        results += [
            Result(name: "flowlog_rule_evaluation_records_per_second_one_core", value: detection.flowPerSecond, unit: "records/s",
                   baseline: baselineRecords, ratio: detection.flowPerSecond / baselineRecords),
            Result(name: "cloudtrail_rule_evaluation_events_per_second_one_core", value: detection.cloudTrailPerSecond, unit: "events/s",
                   baseline: baselineRecords, ratio: detection.cloudTrailPerSecond / baselineRecords),
            Result(name: "ipsum_list_load_ms", value: detection.intelLoadMillis, unit: "ms (\(detection.intelEntries) entries)",
                   baseline: readMillis, ratio: detection.intelLoadMillis / readMillis),
            Result(name: "ipsum_list_resident_bytes", value: Double(detection.intelBytes), unit: "bytes",
                   baseline: Double(listBytes), ratio: Double(detection.intelBytes) / Double(listBytes)),
        ]
        results += templateResults
        if !detectionOnly, let aws = try AWSBenchmark.run(rounds: rounds) {
            results.append(Result(name: "sigv4_signatures_per_second", value: aws.signaturesPerSecond, unit: "signatures/s",
                                  baseline: aws.hashesPerSecond, ratio: aws.signaturesPerSecond / aws.hashesPerSecond))
            if aws.publishWarmMillis > 0 {
                results += [
                    Result(name: "sns_publish_latency_warm_ms", value: aws.publishWarmMillis, unit: "ms (moto, loopback)",
                           baseline: aws.publishColdMillis, ratio: aws.publishWarmMillis / aws.publishColdMillis),
                    Result(name: "ec2_describe_instances_latency_warm_ms", value: aws.describeWarmMillis, unit: "ms (moto, loopback)",
                           baseline: aws.describeColdMillis, ratio: aws.describeWarmMillis / aws.describeColdMillis),
                ]
            }
        }
        print("rules: \(detection.ruleCount) loaded in \(fmt(detection.rulesLoadMillis)) ms (built-in pack + SigmaHQ AWS CloudTrail)")
        print("baseline (zlib inflate + newline count): median \(fmt(base * 1000)) ms per round")
        print("firebreak decode (body JSON, base64, gunzip, CloudWatch Logs envelope, typed flow records): median \(fmt(ours * 1000)) ms per round")
        print("| benchmark | value | baseline | ratio |\n|---|---|---|---|")
        for r in results {
            print("| \(r.name) | \(fmt(r.value)) \(r.unit) | \(fmt(r.baseline)) | \(fmt(r.ratio)) |")
        }
        if let output, !detectionOnly {   // results.json holds every benchmark: it is not written for a part
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(results).write(to: URL(fileURLWithPath: output))
            print("wrote \(output)")
        }
    }

    static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    static func fmt(_ v: Double) -> String { String(format: v >= 100 ? "%.0f" : "%.3f", v) }
}
