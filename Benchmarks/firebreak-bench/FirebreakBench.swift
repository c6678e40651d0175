import FirebreakTestSupport
import Foundation

/// Firebreak's benchmarks, each in a file of its own: templates (`firebreak check` next to cfn-lint), decode, rule
/// evaluation, intel lists, AWS calls, end to end (`firebreak serve` over loopback HTTP) and the DynamoDB state table
/// (requests per million records). Figures are reported as ratios to a baseline measured in the same
/// process, because these machines are noisy.
///
///   swift build -c release --product firebreak-bench && swift build -c release --product firebreak
///   .build/release/firebreak-bench [--output Benchmarks/results.json]   (with --state-only: merged into it) [--deliveries 4] [--rounds 7] [--e2e-rounds 5]
///                                  [--cfn-lint-files N] [--templates-only] [--detection-only] [--e2e-only] [--storm-only] [--decode-only]
///                                  [--cloudtrail-only] [--cloudtrail-files 16] [--cloudtrail-records 2500]
///                                  [--cloudtrail-write DIR]   (writes the generated CloudTrail files there and stops)
///                                  [--state-only] [--state-deliveries 3] [--state-batches 20] [--state-lines 500]
@main
enum FirebreakBench {
    static func main() throws {
        var output: String?
        var deliveries = 4
        var rounds = 7
        var cfnLintFiles: Int?
        var templatesOnly = false
        var detectionOnly = false
        var endToEndOnly = false
        var stormOnly = false
        var decodeOnly = false
        var stateOnly = false
        var cloudTrailOnly = false
        var cloudTrailFiles = 16
        var cloudTrailRecords = 2_500
        var cloudTrailWrite: String?
        var stateSize = StateTableBenchmark.Size()
        var endToEndRounds = 5
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let arg = args.next() {
            switch arg {
            case "--output": output = args.next()
            case "--deliveries": deliveries = Int(args.next() ?? "") ?? deliveries
            case "--rounds": rounds = Int(args.next() ?? "") ?? rounds
            case "--cfn-lint-files": cfnLintFiles = Int(args.next() ?? "")
            case "--templates-only": templatesOnly = true
            case "--detection-only": detectionOnly = true
            case "--e2e-only": endToEndOnly = true
            case "--storm-only": stormOnly = true
            case "--decode-only": decodeOnly = true
            case "--state-only": stateOnly = true
            case "--cloudtrail-only": cloudTrailOnly = true
            case "--cloudtrail-files": cloudTrailFiles = Int(args.next() ?? "") ?? cloudTrailFiles
            case "--cloudtrail-records": cloudTrailRecords = Int(args.next() ?? "") ?? cloudTrailRecords
            case "--cloudtrail-write": cloudTrailWrite = args.next()
            case "--state-deliveries": stateSize.deliveries = Int(args.next() ?? "") ?? stateSize.deliveries
            case "--state-batches": stateSize.batchesPerDelivery = Int(args.next() ?? "") ?? stateSize.batchesPerDelivery
            case "--state-lines": stateSize.linesPerBatch = Int(args.next() ?? "") ?? stateSize.linesPerBatch
            case "--e2e-rounds": endToEndRounds = Int(args.next() ?? "") ?? endToEndRounds
            default:
                FileHandle.standardError.write(Data("usage: firebreak-bench [--output FILE] [--deliveries N] [--rounds N] [--e2e-rounds N] [--cfn-lint-files N] [--templates-only] [--detection-only] [--e2e-only] [--storm-only] [--decode-only] [--cloudtrail-only] [--cloudtrail-files N] [--cloudtrail-records N] [--cloudtrail-write DIR] [--state-only] [--state-deliveries N] [--state-batches N] [--state-lines N]\n".utf8))
                exit(2)
            }
        }

        let packageRoot = TestPaths.packageRoot
        if stormOnly {   // a part: results.json is not written
            let storm = try FindingStormBenchmark.run(rounds: rounds)
            print("finding storms: \(Stopwatch.format(storm.repeatedMicros)) µs per repeated match, "
                  + "\(Stopwatch.format(storm.newMicros)) µs per new finding, \(Int(storm.storeBytesPerNewFinding)) store bytes per new finding")
            return
        }
        if stateOnly {   // a part: with --output, its entries replace the state_table_* ones of that results.json
            let state = try stateTable(packageRoot: packageRoot, size: stateSize)
            printTable(state)
            if let output, !state.isEmpty {
                let url = URL(fileURLWithPath: output)
                let earlier = (try? JSONDecoder().decode([BenchmarkResult].self, from: Data(contentsOf: url))) ?? []
                try write(earlier.filter { !$0.name.hasPrefix("state_table_") } + state, to: output)
            }
            return
        }
        if let directory = cloudTrailWrite {   // the benchmark's CloudTrail files, to replay or compare outside
            for (index, file) in CloudTrailReplayBenchmark.files(count: cloudTrailFiles, recordsPerFile: cloudTrailRecords).enumerated() {
                try Data(file).write(to: URL(fileURLWithPath: directory).appendingPathComponent("cloudtrail-\(index).json.gz"))
            }
            return
        }
        if cloudTrailOnly {   // a part: with --output, its entries replace the cloudtrail_replay_* ones of that results.json
            let replay = try cloudTrailReplay(packageRoot: packageRoot, rounds: rounds, files: cloudTrailFiles,
                                              recordsPerFile: cloudTrailRecords)
            printTable(replay)
            if let output, !replay.isEmpty {
                let url = URL(fileURLWithPath: output)
                let earlier = (try? JSONDecoder().decode([BenchmarkResult].self, from: Data(contentsOf: url))) ?? []
                try write(earlier.filter { !$0.name.hasPrefix("cloudtrail_replay_") } + replay, to: output)
            }
            return
        }
        if endToEndOnly {   // results.json holds every benchmark: it is not written for a part
            printTable(try endToEnd(packageRoot: packageRoot, rounds: endToEndRounds))
            return
        }
        // `firebreak check` runs first, in a fresh process as in a pipeline: after the detection benchmarks the
        // heap holds their rule sets and lists and template loading measured about twice as slow.
        var templateResults: [BenchmarkResult] = []
        if !detectionOnly, !decodeOnly, let templates = try TemplateBenchmark.run(packageRoot: packageRoot, rounds: rounds, cfnLintFiles: cfnLintFiles) {
            print("templates: \(templates.files) files (\(templates.templates) templates), \(templates.findings) findings; "
                  + "firebreak check median \(Stopwatch.format(templates.checkSeconds * 1000)) ms"
                  + (templates.cfnLintSeconds.map { "; cfn-lint \(Stopwatch.format($0)) s on \(templates.cfnLintFiles) files" } ?? ""))
            if let lint = templates.cfnLintSeconds {
                // cfn-lint's time for all files, extrapolated per file when it ran on a subset.
                let lintAll = lint * Double(templates.files) / Double(templates.cfnLintFiles)
                let scope = templates.cfnLintFiles == templates.files ? "" : ", cfn-lint extrapolated from \(templates.cfnLintFiles) files"
                templateResults.append(BenchmarkResult(name: "cfn_check_all_sample_templates_seconds", value: templates.checkSeconds,
                                      unit: "s (\(templates.files) files, one process\(scope))",
                                      baseline: lintAll, ratio: templates.checkSeconds / lintAll))
            } else {
                templateResults.append(BenchmarkResult(name: "cfn_check_all_sample_templates_seconds", value: templates.checkSeconds,
                                      unit: "s (\(templates.files) files, one process; no cfn-lint baseline)",
                                      baseline: 0, ratio: 0))
            }
        }
        if templatesOnly { return }   // results.json holds every benchmark: it is not written for a part
        let decode = try DecodeBenchmark.run(deliveries: deliveries, rounds: rounds, baselineOnly: detectionOnly)
        let expectedEvents = decode.events
        let base = decode.baselineSeconds
        let ours = decode.decodeSeconds ?? base
        let mb = Double(decode.textBytes) / 1_000_000
        if decodeOnly {   // a part: results.json is not written
            print("decode: \(Stopwatch.format(Double(expectedEvents) / ours)) records/s, baseline \(Stopwatch.format(Double(expectedEvents) / base)), ratio \(Stopwatch.format(base / ours))")
            return
        }
        var results = detectionOnly ? [] : [
            BenchmarkResult(name: "firehose_flowlog_decode_records_per_second", value: Double(expectedEvents) / ours, unit: "records/s",
                   baseline: Double(expectedEvents) / base, ratio: base / ours),
            BenchmarkResult(name: "firehose_flowlog_decode_mb_per_second", value: mb / ours, unit: "MB/s decompressed",
                   baseline: mb / base, ratio: base / ours),
        ]
        // Rule evaluation on one core, next to the decode baseline of this same run.
        let baselineRecords = Double(expectedEvents) / base
        let detection = try DetectionBenchmark.run(packageRoot: packageRoot, rounds: rounds)
        let listFile = try TestPaths.shared("intel/ipsum/ipsum.txt")
        let readMillis = Stopwatch.median((0..<5).map { _ in Stopwatch.time { _ = Baseline.countLines(listFile.path) } }) * 1000
        let listBytes = (try? FileManager.default.attributesOfItem(atPath: listFile.path)[.size] as? Int) ?? 1
        results += [
            BenchmarkResult(name: "flowlog_rule_evaluation_records_per_second_one_core", value: detection.flowPerSecond, unit: "records/s",
                   baseline: baselineRecords, ratio: detection.flowPerSecond / baselineRecords),
            BenchmarkResult(name: "cloudtrail_rule_evaluation_events_per_second_one_core", value: detection.cloudTrailPerSecond, unit: "events/s",
                   baseline: baselineRecords, ratio: detection.cloudTrailPerSecond / baselineRecords),
            BenchmarkResult(name: "ipsum_list_load_ms", value: detection.intelLoadMillis, unit: "ms (\(detection.intelEntries) entries)",
                   baseline: readMillis, ratio: detection.intelLoadMillis / readMillis),
            BenchmarkResult(name: "ipsum_list_resident_bytes", value: Double(detection.intelBytes), unit: "bytes",
                   baseline: Double(listBytes), ratio: Double(detection.intelBytes) / Double(listBytes)),
        ]
        // Finding storms: a match after aggregation, rules to commit, next to inflating one record.
        let storm = try FindingStormBenchmark.run(rounds: rounds)
        let inflateMicros = 1e6 / baselineRecords
        print("finding storms: \(Stopwatch.format(storm.repeatedMicros)) µs per repeated match, "
              + "\(Stopwatch.format(storm.newMicros)) µs per new finding, \(Int(storm.storeBytesPerNewFinding)) store bytes per new finding")
        results += [
            BenchmarkResult(name: "repeated_match_micros", value: storm.repeatedMicros,
                            unit: "µs per match of a known finding (rules, merge, commit); baseline: inflate of one record",
                            baseline: inflateMicros, ratio: storm.repeatedMicros / inflateMicros),
            BenchmarkResult(name: "new_finding_micros", value: storm.newMicros,
                            unit: "µs per new finding (rules, merge, plan, commit); baseline: inflate of one record",
                            baseline: inflateMicros, ratio: storm.newMicros / inflateMicros),
        ]
        results += templateResults
        if !detectionOnly {
            results += try cloudTrailReplay(packageRoot: packageRoot, rounds: rounds, files: cloudTrailFiles,
                                            recordsPerFile: cloudTrailRecords)
        }
        if !detectionOnly, let aws = try AWSBenchmark.run(rounds: rounds) {
            results.append(BenchmarkResult(name: "sigv4_signatures_per_second", value: aws.signaturesPerSecond, unit: "signatures/s",
                                  baseline: aws.hashesPerSecond, ratio: aws.signaturesPerSecond / aws.hashesPerSecond))
            if aws.publishWarmMillis > 0 {
                results += [
                    BenchmarkResult(name: "sns_publish_latency_warm_ms", value: aws.publishWarmMillis, unit: "ms (moto, loopback)",
                           baseline: aws.publishColdMillis, ratio: aws.publishWarmMillis / aws.publishColdMillis),
                    BenchmarkResult(name: "ec2_describe_instances_latency_warm_ms", value: aws.describeWarmMillis, unit: "ms (moto, loopback)",
                           baseline: aws.describeColdMillis, ratio: aws.describeWarmMillis / aws.describeColdMillis),
                ]
            }
        }
        if !detectionOnly { results += try endToEnd(packageRoot: packageRoot, rounds: endToEndRounds) }
        if !detectionOnly { results += try stateTable(packageRoot: packageRoot, size: stateSize) }
        print("rules: \(detection.ruleCount) loaded in \(Stopwatch.format(detection.rulesLoadMillis)) ms (built-in pack + SigmaHQ AWS CloudTrail)")
        print("baseline (zlib inflate + newline count): median \(Stopwatch.format(base * 1000)) ms per round")
        print("firebreak decode (body JSON, base64, gunzip, CloudWatch Logs envelope, typed flow records): median \(Stopwatch.format(ours * 1000)) ms per round")
        printTable(results)
        if let output, !detectionOnly {   // results.json holds every benchmark: it is not written for a part
            try write(results, to: output)
        }
    }

    static func write(_ results: [BenchmarkResult], to output: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: URL(fileURLWithPath: output))
        print("wrote \(output)")
    }

    static func printTable(_ results: [BenchmarkResult]) {
        print("| benchmark | value | baseline | ratio |\n|---|---|---|---|")
        for r in results {
            print("| \(r.name) | \(Stopwatch.format(r.value)) \(r.unit) | \(Stopwatch.format(r.baseline)) | \(Stopwatch.format(r.ratio)) |")
        }
    }

    /// `firebreak replay` of gzip'd S3-format CloudTrail files in this process: events per second on one core next to
    /// zlib inflate of the same files, and on two cores next to one.
    static func cloudTrailReplay(packageRoot: URL, rounds: Int, files: Int, recordsPerFile: Int) throws -> [BenchmarkResult] {
        let replay = try CloudTrailReplayBenchmark.run(packageRoot: packageRoot, rounds: rounds, files: files,
                                                       recordsPerFile: recordsPerFile)
        let events = Double(replay.events)
        let inflate: Double = events / replay.baselineSeconds
        let one: Double = events / replay.oneCoreSeconds
        let megabytes: Double = Double(replay.textBytes) / 1e6
        var detail: [String: Double] = [:]
        detail["files"] = Double(replay.files)
        detail["events"] = events
        detail["gzip_bytes"] = Double(replay.gzipBytes)
        detail["json_bytes"] = Double(replay.textBytes)
        detail["findings"] = Double(replay.findings)
        detail["inflate_mb_per_second"] = megabytes / replay.baselineSeconds
        detail["replay_mb_per_second_one_core"] = megabytes / replay.oneCoreSeconds
        var results = [
            BenchmarkResult(name: "cloudtrail_replay_events_per_second_one_core", value: one,
                            unit: "events/s (firebreak replay --jobs 1 of gzip'd S3-format files, SigmaHQ CloudTrail rules + the pack; "
                                + "baseline: zlib inflate of the same files, events/s)",
                            baseline: inflate, ratio: one / inflate, detail: detail),
        ]
        if let two = replay.twoCoreSeconds.map({ events / $0 }) {
            results.append(BenchmarkResult(name: "cloudtrail_replay_events_per_second_two_cores", value: two,
                                           unit: "events/s (firebreak replay --jobs 2; baseline: --jobs 1 in the same run)",
                                           baseline: one, ratio: two / one,
                                           detail: ["ratio_to_inflate": two / inflate]))
        }
        return results
    }

    /// Quiet and noisy deliveries through `firebreak serve`, each next to inflating the same records; the store's
    /// growth per million noisy records next to the size of those records gzip'd. Empty when `firebreak` is not built.
    static func endToEnd(packageRoot: URL, rounds: Int) throws -> [BenchmarkResult] {
        guard let e2e = try EndToEndBenchmark.run(packageRoot: packageRoot, rounds: rounds) else { return [] }
        var results = [e2e.quiet, e2e.noisy].map { set in
            BenchmarkResult(name: "e2e_\(set.name)_records_per_second", value: set.recordsPerSecond,
                            unit: "records/s (firebreak serve, loopback HTTP, 2 connections; baseline: inflate of the same records)",
                            baseline: set.baselineRecordsPerSecond, ratio: set.recordsPerSecond / set.baselineRecordsPerSecond)
        }
        results.append(BenchmarkResult(name: "e2e_noisy_store_bytes_per_million_records", value: e2e.storeBytesPerMillionNoisy,
                                       unit: "bytes (SQLite file once stopped, -wal checkpointed; baseline: the gzip'd records themselves)",
                                       baseline: e2e.gzipBytesPerMillionNoisy, ratio: e2e.storeBytesPerMillionNoisy / e2e.gzipBytesPerMillionNoisy))
        return results
    }

    /// DynamoDB requests per million flow records on the quiet and the noisy day, all of them and the writes, each
    /// next to the least a delivery costs (the claim and the done mark of its request id), with the figures behind
    /// them in `detail`. Empty when `firebreak` is not built or moto is not installed.
    static func stateTable(packageRoot: URL, size: StateTableBenchmark.Size) throws -> [BenchmarkResult] {
        guard let state = try StateTableBenchmark.run(packageRoot: packageRoot, size: size) else { return [] }
        print("state table: \(Stopwatch.format(state.seconds)) s in all (moto start, table, service, both sets)")
        return [state.quiet, state.noisy].flatMap { set -> [BenchmarkResult] in
            let t = set.total
            let least = set.perMillion(2 * set.deliveries)
            var detail: [String: Double] = [
                "flow_records": Double(set.records), "deliveries": Double(set.deliveries),
                "records_per_delivery": Double(set.records / set.deliveries),
                "flow_events_counted": set.events, "findings": set.findings,
                "post_seconds": set.postSeconds, "settle_seconds": set.settleSeconds,
                "requests": Double(t.requests), "requests_per_delivery": set.perDelivery(t.requests),
                "requests_per_million_records": set.perMillion(t.requests),
                "reads_per_million_records": set.perMillion(t.reads),
                "writes_per_million_records": set.perMillion(t.writes),
                "write_items_per_million_records": set.perMillion(t.writeItems),
                "failed_conditions_per_million_records": set.perMillion(t.failed),
                "while_delivering_requests_per_million_records": set.perMillion(set.delivering.requests),
                "while_delivering_writes_per_million_records": set.perMillion(set.delivering.writes),
                "after_delivering_requests_per_million_records": set.perMillion(set.settling.requests),
                "after_delivering_writes_per_million_records": set.perMillion(set.settling.writes),
                "executor_outbox_polls": Double(t.polls),
                "executor_outbox_polls_per_second_idle": state.idlePollsPerSecond,
            ]
            for (operation, count) in t.byOperation { detail["per_million_records.\(operation)"] = set.perMillion(count) }
            for (item, count) in t.byItem { detail["per_million_records_by_item.\(item)"] = set.perMillion(count) }
            for (item, count) in t.failedByItem { detail["failed_per_million_records.\(item)"] = set.perMillion(count) }
            var writeDetail: [String: Double] = [
                "write_items_per_million_records": set.perMillion(t.writeItems),
                "transactions_counted_as_one_item": Double(t.unreadTransactions),
            ]
            for (operation, count) in t.byOperation where StateTableBenchmark.writeOperations.contains(operation) {
                writeDetail["per_million_records.\(operation)"] = set.perMillion(count)
            }
            let scope = "\(set.deliveries) deliveries of \(set.records / set.deliveries) records; observe mode, until the executor settled; "
                + "the executor's outbox polls left out (detail: executor_outbox_polls); baseline: 2 per delivery, "
                + "the claim and done mark of its request id"
            return [
                BenchmarkResult(name: "state_table_\(set.name)_dynamodb_requests_per_million_records", value: set.perMillion(t.requests),
                                unit: "DynamoDB requests per million flow records (\(scope))",
                                baseline: least, ratio: set.perMillion(t.requests) / least, detail: detail),
                BenchmarkResult(name: "state_table_\(set.name)_dynamodb_writes_per_million_records", value: set.perMillion(t.writes),
                                unit: "DynamoDB write requests per million flow records (PutItem, UpdateItem, DeleteItem, "
                                    + "TransactWriteItems, BatchWriteItem; a transaction as one; \(scope))",
                                baseline: least, ratio: set.perMillion(t.writes) / least, detail: writeDetail),
            ]
        }
    }
}
