import ArgumentParser
import FirebreakServer
import Foundation

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the rules on log files offline and print the findings as JSON lines.",
        discussion: """
            Takes the same inputs as `firebreak decode` (Firehose request bodies, CloudWatch Logs payloads, \
            CloudTrail S3 files, flow-log files; gzip'd or plain), evaluates every event with the configured \
            rules and lists (plus --rules and --intel), and prints one JSON line per finding (with --format ocsf, \
            an OCSF 1.6.0 Detection Finding, class 2004). Files are read in order, so correlation windows span them.

            Exit status: 0 with no findings, 1 with findings, 2 on an error.

              firebreak replay --rules my-rules/ flow-logs.log.gz
              firebreak replay --intel known_bad_ips=ipsum.txt delivery.json
              firebreak replay --format ocsf cloudtrail.json.gz
            """)

    enum OutputFormat: String, ExpressibleByArgument { case json, ocsf }

    @Option(name: .long, help: "A YAML file layered over the embedded default configuration.")
    var config: String?

    @OptionGroup var detectionOptions: DetectionOptions

    @Option(name: .long, help: "Output format: json (Firebreak's findings) or ocsf (OCSF Detection Findings), one per line.")
    var format: OutputFormat = .json

    @Argument(help: "Files to evaluate; '-' reads standard input.")
    var files: [String]

    func run() throws {
        do {
            let count = try FileReplay.run(configFile: config, overrides: detectionOptions.overrides, files: files,
                                           format: format == .ocsf ? .ocsf : .json)
            throw ExitCode(count > 0 ? 1 : 0)
        } catch let error as CommandError {
            InputFile.warn("firebreak replay: \(error)")
            throw ExitCode(2)
        }
    }
}
