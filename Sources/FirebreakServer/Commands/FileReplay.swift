import FirebreakDetection
import FirebreakLogs
import FirebreakResponse
import FirebreakTime
import Foundation

/// `firebreak replay`: runs the rules on files offline and prints one JSON line per finding: a rule's matches on one
/// dedup key in one window are one finding, as in the service, with `count`, `firstSeen` and `lastSeen` added (or,
/// with `.ocsf`, as an OCSF Detection Finding).
public enum FileReplay {
    /// What a line holds.
    public enum Format: String, Sendable, CaseIterable {
        /// The finding's JSON, with `count`, `firstSeen` and `lastSeen`.
        case json
        /// An OCSF Detection Finding (`OCSFFinding`).
        case ocsf
    }

    /// Evaluates `files` in order (correlation windows span them) and returns the number of findings printed.
    /// Record-level decode problems are warnings on standard error; anything else stops the replay.
    public static func run(configFile: String?, overrides: DetectionOverrides, files: [String],
                           format: Format = .json) throws(CommandError) -> Int {
        let settings: ServiceConfiguration
        do {
            settings = try overrides.apply(to: try ServiceConfiguration.load(file: configFile))
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError(.usage, String(describing: error))
        }
        let engine: DetectionEngine
        do {
            engine = try DetectionEngine(sources: settings.detection)
        } catch {
            throw CommandError(.failure, String(describing: error))
        }
        let decoder = RecordDecoder(configuration: FileDecoding.fileDecoderConfiguration(settings))
        return try replay(files.map(ReplayInput.init(path:)), engine: engine, decoder: decoder, format: format,
                          output: InputFile.write, warn: InputFile.warn)
    }

    /// Evaluates `inputs` in order with `engine` (correlation windows span them), passing the finding lines to
    /// `output` (a file's lines at once) and record-level decode problems to `warn`; returns the number of findings.
    /// An input that cannot be read or decoded stops the replay.
    public static func replay(_ inputs: [ReplayInput], engine: DetectionEngine, decoder: RecordDecoder, format: Format = .json,
                              nowMillis: Int64 = Int64(Date().timeIntervalSince1970 * 1000),
                              output: (String) -> Void, warn: (String) -> Void) throws(CommandError) -> Int {
        var total = 0
        for input in inputs {
            let path = input.name
            guard let bytes = input.read() else { throw CommandError(.failure, "\(path): cannot read the file") }
            let result: RecordDecodeResult
            do {
                result = try decoder.decodeFile(bytes)
            } catch {
                throw CommandError(.failure, "\(path): \(error.message)")
            }
            for issue in result.issues {
                warn("\(path): record \(issue.recordIndex)" + (issue.line.map { ", line \($0)" } ?? "") + ": \(issue.message)")
            }
            var findings = FindingAggregate.merge(engine.evaluate(result.events, receivedMillis: nowMillis), maxSamples: 1)
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
            output(out)
            total += findings.count
        }
        return total
    }
}
