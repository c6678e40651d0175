import FirebreakDetection
import FirebreakLogs
import FirebreakServer
import FirebreakTestSupport
import Foundation

/// `firebreak replay` end to end on gzip'd CloudTrail files as a trail writes them to S3 (`CloudTrailFileGenerator`),
/// through SigmaHQ's CloudTrail rules and the built-in pack, findings rendered as replay prints them (to nowhere):
/// in this process, on one core and on two (`--jobs`), next to zlib inflate of the same files in the same run.
enum CloudTrailReplayBenchmark {
    struct Figures {
        var files: Int
        var events: Int
        var gzipBytes: Int
        var textBytes: Int
        var findings: Int
        /// Median seconds per round: zlib inflate of every file (the baseline), replay with one job, with two.
        var baselineSeconds: Double
        var oneCoreSeconds: Double
        var twoCoreSeconds: Double?
    }

    /// The benchmark's files: five minutes of a trail each, one after the other.
    static func files(count: Int, recordsPerFile: Int) -> [[UInt8]] {
        var generator = CloudTrailFileGenerator(seed: 0xC10D)
        return (0..<count).map { index in generator.file(records: recordsPerFile, startSeconds: 36_000 + index * 300) }
    }

    static func run(packageRoot: URL, rounds: Int, files fileCount: Int = 16, recordsPerFile: Int = 2_500,
                    jobs: [Int] = [1, 2]) throws -> Figures {
        let shared = TestPaths.sharedTestdata
        let sigmaHQ = shared.appendingPathComponent("sigma/sigmahq/rules/cloud/aws/cloudtrail").path
        let pack = packageRoot.appendingPathComponent("config/rules").path
        let intelFolder = packageRoot.appendingPathComponent("config/intel").path
        var problems: [RuleError] = []
        let intel = IntelRegistry.load(IntelConfiguration(folder: intelFolder), problems: &problems)
        precondition(problems.isEmpty, "intel problems: \(problems)")
        let sources = DetectionSources(rulePaths: [pack, sigmaHQ], intel: IntelConfiguration(folder: intelFolder))
        let loaded = RuleFileLoader.load(paths: [pack, sigmaHQ])

        let files = Self.files(count: fileCount, recordsPerFile: recordsPerFile)
        let inputs = files.enumerated().map { ReplayInput.memory(name: "file-\($0.offset).json.gz", bytes: $0.element) }
        let gzipBytes = files.reduce(0) { $0 + $1.count }
        let textBytes = files.reduce(0) { $0 + Baseline.inflatedSize($1) }
        let decoder = RecordDecoder(configuration: DecoderConfiguration(maxEventsPerRecord: Int.max))
        let events = fileCount * recordsPerFile
        print("CloudTrail replay data: \(fileCount) files, \(events) events, \(gzipBytes >> 10) KiB gzip'd, "
              + "\(textBytes >> 10) KiB of JSON (\(textBytes / max(events, 1)) bytes per event)")

        var findings = 0
        func replay(jobs: Int) -> Double {
            // Fresh correlation windows each round, as a new `firebreak replay` process has.
            let set = RuleSet(loaded: loaded, placeholders: intel.registry)
            let engine = DetectionEngine(ruleSet: set, sources: sources)
            var lines = 0
            let seconds = Stopwatch.time {
                do {
                    findings = try FileReplay.replay(inputs, engine: engine, decoder: decoder, jobs: jobs, nowMillis: 0,
                                                     output: { lines += $0.utf8.count }, warn: { _ in })
                } catch {
                    fatalError("replay failed: \(error)")
                }
            }
            precondition(lines > 0 || findings == 0)
            return seconds
        }

        var base: [Double] = []
        var times: [Int: [Double]] = [:]
        for round in 0..<rounds {
            // Alternate the order so that neither side always runs on a warmer cache.
            if round % 2 == 0 { base.append(Stopwatch.time { Baseline.run(files) }) }
            for j in jobs { times[j, default: []].append(replay(jobs: j)) }
            if round % 2 == 1 { base.append(Stopwatch.time { Baseline.run(files) }) }
        }
        print("CloudTrail replay: \(findings) findings per round")
        return Figures(files: fileCount, events: events, gzipBytes: gzipBytes, textBytes: textBytes, findings: findings,
                       baselineSeconds: Stopwatch.median(base), oneCoreSeconds: Stopwatch.median(times[1] ?? [0]),
                       twoCoreSeconds: times[2].map(Stopwatch.median))
    }
}
