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
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var total = 0
        do throws(CommandError) {
            for input in inputs {
                let bytes = try input.read(s3: s3, maxObjectBytes: options.maxObjectBytes) { progress.reading($0) }
                let result: RecordDecodeResult
                do {
                    result = try decoder.decodeFile(bytes)
                } catch {
                    throw CommandError(.failure, "\(input.name): \(error.message)")
                }
                if !result.issues.isEmpty { progress.suspend() }
                for issue in result.issues {
                    InputFile.warn("\(input.name): record \(issue.recordIndex)" + (issue.line.map { ", line \($0)" } ?? "")
                                   + ": \(issue.message)")
                }
                var findings: [FindingAggregate]
                if let responder {
                    findings = try responder.commit(result, bytes: bytes, name: input.name, receivedMillis: now)
                } else {
                    findings = FindingAggregate.merge(engine.evaluate(result.events, receivedMillis: now), maxSamples: 1)
                }
                let out = render(&findings, format: options.format)
                if !out.isEmpty {
                    if sharesTerminal { progress.suspend() }
                    InputFile.write(out)
                }
                total += findings.count
                progress.finished(bytes: Int64(bytes.count), events: result.events.count, findings: findings.count)
                progress.resume()
            }
        } catch {
            // The error goes on a line of its own, not after the progress.
            progress.suspend()
            throw error
        }
        progress.finish(extra: responder?.summary)
        return total
    }

    /// One line per finding.
    static func render(_ findings: inout [FindingAggregate], format: Format) -> String {
        var out = ""
        for index in findings.indices {
            if format == .ocsf {
                out += OCSFFinding().render(&findings[index]).serialized() + "\n"
                continue
            }
            guard case .object(var object) = findings[index].json() else { continue }
            object.append("count", .int(Int64(findings[index].count)))
            object.append("firstSeen", .string(UTCTime(clampingMillis: findings[index].firstMillis).iso8601))
            object.append("lastSeen", .string(UTCTime(clampingMillis: findings[index].lastMillis).iso8601))
            out += JSONValue.object(object).serialized() + "\n"
        }
        return out
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
