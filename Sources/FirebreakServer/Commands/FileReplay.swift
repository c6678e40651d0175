import FirebreakAWS
import FirebreakDetection
import FirebreakLogs
import FirebreakResponse
import FirebreakTime
import Foundation

/// `firebreak replay`: runs the rules on files and S3 objects offline and prints one JSON line per finding: a rule's
/// matches on one dedup key in one window are one finding, as in the service, with `count`, `firstSeen` and
/// `lastSeen` added (or, with `.ocsf`, as an OCSF Detection Finding).
///
/// A source is a local path (`-`: standard input) or `s3://bucket/prefix`, whose objects are listed
/// (`S3ReplayListing`, narrowed by `--since/--until`) and each read whole through the same decoder as a file, so an
/// object and its local copy give the same findings. With `--respond` each input is also committed as a delivery
/// (`ReplayResponder`). On a terminal, standard error shows progress and a summary (`ReplayProgress`).
public enum FileReplay {
    /// What a line holds.
    public enum Format: String, Sendable, CaseIterable {
        /// The finding's JSON, with `count`, `firstSeen` and `lastSeen`.
        case json
        /// An OCSF Detection Finding (`OCSFFinding`).
        case ocsf
    }

    /// Evaluates `files` in order (correlation windows span them) and returns the number of findings printed.
    public static func run(configFile: String?, overrides: DetectionOverrides, files: [String],
                           format: Format = .json) throws(CommandError) -> Int {
        try run(configFile: configFile, overrides: overrides, sources: files, options: ReplayOptions(format: format))
    }

    /// Evaluates every input of `sources` in order (correlation windows span them) and returns the number of findings
    /// printed. Record-level decode problems are warnings on standard error; anything else stops the replay.
    public static func run(configFile: String?, overrides: DetectionOverrides, sources: [String],
                           options: ReplayOptions) throws(CommandError) -> Int {
        let settings: ServiceConfiguration
        do {
            settings = try overrides.apply(to: try ServiceConfiguration.load(file: configFile, environment: options.environment))
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError(.usage, String(describing: error))
        }
        let hasS3 = sources.contains { S3Location.isS3URI($0) }
        if !options.dates.isUnbounded && !hasS3 {
            throw CommandError(.usage, "--since and --until narrow s3:// sources by the date in their keys; no s3:// "
                               + "source was given")
        }
        let engine: DetectionEngine
        do {
            engine = try DetectionEngine(sources: settings.detection)
        } catch {
            throw CommandError(.failure, String(describing: error))
        }
        let s3 = hasS3 ? try s3Client(settings, environment: options.environment) : nil
        let inputs = try expand(sources, s3: s3, options: options)
        let responder = options.respond
            ? try ReplayResponder(settings: settings, engine: engine, environment: options.environment) : nil
        let sizes = inputs.map(\.size)
        let progress = ReplayProgress(enabled: options.progress ?? ReplayProgress.standardErrorIsTerminal,
                                      totalObjects: inputs.count,
                                      totalBytes: sizes.contains { $0 == nil } ? nil : sizes.reduce(0) { $0 + ($1 ?? 0) })
        let sharesTerminal = progress.enabled && isatty(STDOUT_FILENO) == 1
        let decoder = RecordDecoder(configuration: FileDecoding.fileDecoderConfiguration(settings))
        var total = 0
        do throws(CommandError) {
            total = try replay(inputs, engine: engine, decoder: decoder, s3: s3, options: options, responder: responder,
                               progress: progress, output: { out in
                                   if sharesTerminal { progress.suspend() }
                                   InputFile.write(out)
                               }, warn: { line in
                                   progress.suspend()
                                   InputFile.warn(line)
                               })
        } catch {
            // The error goes on a line of its own, not after the progress.
            progress.suspend()
            throw error
        }
        progress.finish(extra: responder?.summary)
        return total
    }

    /// Replays `inputs` with `engine` (correlation windows span them, in order) and returns the number of findings:
    /// each input's finding lines go to `output` at once, in input order, and its record-level decode problems to
    /// `warn` before them; an input that cannot be read or decoded stops the replay there. With `options.jobs` above
    /// one, inputs are read and decoded, and large ones evaluated by chunks of records, on that many threads
    /// (`ReplayPipeline`); what is written is the same.
    static func replay(_ inputs: [ReplayInput], engine: DetectionEngine, decoder: RecordDecoder, s3: S3Client?,
                       options: ReplayOptions, responder: ReplayResponder?, progress: ReplayProgress,
                       nowMillis: Int64 = Int64(Date().timeIntervalSince1970 * 1000),
                       output: (String) -> Void, warn: (String) -> Void) throws(CommandError) -> Int {
        var total = 0
        func finish(_ name: String, _ decoded: ReplayPipeline.Decoded, _ findings: inout [FindingAggregate]) {
            let out = render(&findings, format: options.format)
            if !out.isEmpty { output(out) }
            total += findings.count
            progress.finished(bytes: Int64(decoded.bytes), events: decoded.events, findings: findings.count)
            progress.resume()
        }
        guard options.jobs > 1 && inputs.count > 0 else {
            for input in inputs {
                let bytes = try input.read(s3: s3, maxObjectBytes: options.maxObjectBytes) { progress.reading($0) }
                let decoded = try ReplayPipeline.decode(bytes, name: input.name, decoder: decoder, keepBytes: false)
                for line in decoded.warnings { warn(line) }
                var findings: [FindingAggregate]
                if let responder {
                    findings = try responder.commit(decoded.result, bytes: bytes, name: input.name, receivedMillis: nowMillis)
                } else {
                    findings = evaluate(decoded.result.events, engine: engine, receivedMillis: nowMillis)
                }
                finish(input.name, decoded, &findings)
            }
            return total
        }
        let pipeline = ReplayPipeline(inputs: inputs, jobs: options.jobs, s3: s3, maxObjectBytes: options.maxObjectBytes,
                                      decoder: decoder, ruleSet: responder == nil ? engine.ruleSet : nil,
                                      network: engine.sources.network, receivedMillis: nowMillis)
        defer { pipeline.stop() }
        for index in inputs.indices {
            let decoded = try pipeline.decoded(index)
            for line in decoded.warnings { warn(line) }
            var findings: [FindingAggregate]
            if let responder {
                findings = try responder.commit(decoded.result, bytes: decoded.kept ?? [], name: inputs[index].name,
                                                receivedMillis: nowMillis)
            } else {
                // Each chunk's correlation matches recorded in order, then the chunks' findings merged by id: the same
                // findings as the input evaluated whole.
                var aggregates: [FindingAggregate] = []
                for chunk in 0..<decoded.chunks {
                    aggregates += pipeline.evaluation(index, chunk).commit { (_: [FindingAggregate]) -> Bool in true }
                }
                findings = decoded.chunks > 1 ? FindingAggregate.merge(aggregates: aggregates, maxSamples: 1) : aggregates
            }
            pipeline.written(index)
            finish(inputs[index].name, decoded, &findings)
        }
        return total
    }

    /// In-memory inputs replayed with `engine` on `jobs` threads, finding lines to `output` (the benchmark, tests).
    public static func replay(_ inputs: [ReplayInput], engine: DetectionEngine, decoder: RecordDecoder, format: Format = .json,
                              jobs: Int = 1, nowMillis: Int64, output: (String) -> Void,
                              warn: (String) -> Void) throws(CommandError) -> Int {
        try replay(inputs, engine: engine, decoder: decoder, s3: nil, options: ReplayOptions(format: format, progress: false, jobs: jobs),
                   responder: nil, progress: ReplayProgress(enabled: false, totalObjects: inputs.count, totalBytes: nil),
                   nowMillis: nowMillis, output: output, warn: warn)
    }

    /// An input's events evaluated as the service evaluates a delivery (matches merged into findings as they are
    /// found, one sample each), then the correlation windows updated in order: the same findings as merging every
    /// match.
    static func evaluate(_ events: DecodedEvents, engine: DetectionEngine, receivedMillis: Int64) -> [FindingAggregate] {
        engine.prepare(events, receivedMillis: receivedMillis, maxSamples: 1).commit { (_: [FindingAggregate]) -> Bool in true }
    }

    /// One line per finding.
    static func render(_ findings: inout [FindingAggregate], format: Format) -> String {
        var out = ""
        for index in findings.indices {
            if format == .ocsf {
                out += OCSFFinding().render(&findings[index]).serialized() + "\n"
                continue
            }
            out += line(&findings[index])
        }
        return out
    }

    /// The finding's JSON line: its text (the event written from its own bytes where it can be) with `count`,
    /// `firstSeen` and `lastSeen` as its last members.
    static func line(_ aggregate: inout FindingAggregate) -> String {
        var text = aggregate.text().finding
        return text.withUTF8 { finding -> String in
            guard finding.last == UInt8(ascii: "}") else { return String(decoding: finding, as: UTF8.self) + "\n" }
            var out: [UInt8] = []
            out.reserveCapacity(finding.count + 96)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: finding.dropLast()))
            out.append(contentsOf: ",\"count\":\(aggregate.count),\"firstSeen\":".utf8)
            out.append(contentsOf: JSONValue.quoted(UTCTime(clampingMillis: aggregate.firstMillis).iso8601).utf8)
            out.append(contentsOf: ",\"lastSeen\":".utf8)
            out.append(contentsOf: JSONValue.quoted(UTCTime(clampingMillis: aggregate.lastMillis).iso8601).utf8)
            out.append(contentsOf: "}\n".utf8)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Local paths as they are; each `s3://` source listed into its objects (archived ones left out with a warning).
    static func expand(_ sources: [String], s3: S3Client?, options: ReplayOptions) throws(CommandError) -> [ReplayInput] {
        var inputs: [ReplayInput] = []
        for source in sources {
            guard S3Location.isS3URI(source), let s3 else {
                inputs.append(.file(source))
                continue
            }
            let location: S3Location
            do {
                location = try S3Location(uri: source)
            } catch {
                throw CommandError(.usage, error.message)
            }
            let listing = S3ReplayListing(s3: s3, location: location, range: options.dates, pageSize: options.listPageSize)
            let found: S3ReplayListing.Result
            do {
                found = try listing.list()
            } catch {
                throw CommandError(.failure, "\(location): cannot list the objects: \(error)")
            }
            if !found.archived.isEmpty {
                InputFile.warn("\(location): \(found.archived.count) archived object(s) left out (storage class "
                               + "\(Set(found.archived.map(\.storageClass)).sorted().joined(separator: ", ")); restore "
                               + "them to read them), the first: \(location.uri(key: found.archived[0].key))")
            }
            inputs += found.objects.map { .object(bucket: location.bucket, $0) }
        }
        return inputs
    }

    /// The S3 client of the configuration: region from `aws.region` (else the environment), endpoint from
    /// `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`, credentials from the standard chain.
    static func s3Client(_ settings: ServiceConfiguration, environment: [String: String]) throws(CommandError) -> S3Client {
        let aws = AWSClientFactory(configuration: settings, environment: environment)
        do {
            return S3Client(client: try aws.client(.s3))
        } catch {
            throw CommandError(.failure, error.description)
        }
    }
}
