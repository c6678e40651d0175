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
            // Matches merged into findings as they are found (one sample each), then the correlation windows updated
            // in order: the same findings as merging every match.
            let evaluation = engine.prepare(result.events, receivedMillis: nowMillis, maxSamples: 1)
            var findings = evaluation.commit { (_: [FindingAggregate]) -> Bool in true }
            var out = ""
            for index in findings.indices {
                if format == .ocsf {
                    out += OCSFFinding().render(&findings[index]).serialized() + "\n"
                    continue
                }
                out += line(&findings[index])
            }
            output(out)
            total += findings.count
        }
        return total
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
}
