import ArgumentParser
import FirebreakDetection
import FirebreakLogs
import FirebreakServer
import Foundation

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the rules on log files offline and print the findings as JSON lines.",
        discussion: """
            Takes the same inputs as `firebreak decode` (Firehose request bodies, CloudWatch Logs payloads, \
            CloudTrail S3 files, flow-log files; gzip'd or plain), evaluates every event with the configured \
            rules and lists (plus --rules and --intel), and prints one JSON line per finding. Files are read in \
            order, so correlation windows span them.

            Exit status: 0 with no findings, 1 with findings, 2 on an error.

              firebreak replay --rules my-rules/ flow-logs.log.gz
              firebreak replay --intel known_bad_ips=ipsum.txt delivery.json
            """)

    @Option(name: .long, help: "A YAML file layered over the embedded default configuration.")
    var config: String?

    @OptionGroup var detectionOptions: DetectionOptions

    @Argument(help: "Files to evaluate; '-' reads standard input.")
    var files: [String]

    func run() throws {
        do {
            let count = try evaluate()
            throw ExitCode(count > 0 ? 1 : 0)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            InputFile.warn("firebreak replay: \(error)")
            throw ExitCode(2)
        }
    }

    /// Returns the number of findings printed.
    private func evaluate() throws -> Int {
        var settings = try ServiceConfiguration.load(file: config)
        settings.detection = try detectionOptions.apply(to: settings.detection)
        let engine = try DetectionEngine(sources: settings.detection)
        var decoderConfiguration = settings.decoder
        decoderConfiguration.maxEventsPerRecord = Int.max
        let decoder = RecordDecoder(configuration: decoderConfiguration)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var total = 0
        for path in files {
            guard let bytes = InputFile.read(path) else { throw ReplayError("\(path): cannot read the file") }
            let result: RecordDecodeResult
            do {
                result = try decoder.decodeFile(bytes)
            } catch {
                throw ReplayError("\(path): \(error.message)")
            }
            for issue in result.issues {
                InputFile.warn("\(path): record \(issue.recordIndex)" + (issue.line.map { ", line \($0)" } ?? "") + ": \(issue.message)")
            }
            let findings = engine.evaluate(result.events, receivedMillis: now)
            var out = ""
            for finding in findings { out += finding.jsonValue().serialized() + "\n" }
            FileHandle.standardOutput.write(Data(out.utf8))
            total += findings.count
        }
        return total
    }
}

struct ReplayError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
