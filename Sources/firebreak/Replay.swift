import ArgumentParser
import FirebreakServer
import Foundation

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the rules on log files or S3 objects offline and print the findings as JSON lines.",
        discussion: """
            Takes the same inputs as `firebreak decode` (Firehose request bodies, CloudWatch Logs payloads, \
            CloudTrail S3 files, flow-log files, objects of Firehose's S3 backup of failed deliveries; gzip'd or \
            plain), evaluates every event with the configured rules and lists (plus --rules and --intel), and prints \
            one JSON line per finding (with --format ocsf, an OCSF 1.6.0 Detection Finding, class 2004). Inputs are \
            read in order, so correlation windows span them.

            An s3://bucket/prefix source lists the objects under the prefix and reads each one like a local file \
            (CloudTrail's AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/, flow logs' .../vpcflowlogs/..., \
            Firehose's http-endpoint-failed/YYYY/MM/DD/HH/). --since and --until keep the days of the key's date \
            path, and only those days are listed. Region, endpoint (AWS_ENDPOINT_URL_S3) and credentials come from \
            the configuration and the standard AWS chain.

            Inputs are read, decoded and evaluated on --jobs threads (a large CloudTrail S3 file by chunks of \
            records), and the findings are written in input order, the same as with one.

            On a terminal, standard error shows progress (objects, bytes, events, findings, rate, time left) and a \
            summary; on a pipe only the findings are written.

            --respond commits each input's findings and planned actions into the configured store and outbox, as \
            `serve` does for a delivery, so the service's executor acts on them once; the same input replayed again \
            commits nothing new.

            Exit status: 0 with no findings, 1 with findings, 2 on an error.

              firebreak replay --rules my-rules/ flow-logs.log.gz
              firebreak replay --intel known_bad_ips=ipsum.txt delivery.json
              firebreak replay --format ocsf cloudtrail.json.gz
              firebreak replay --since 2024-05-01 --until 2024-05-03 s3://trail-bucket/AWSLogs/123456789012/CloudTrail/
              firebreak replay --respond s3://backup-bucket/failed-deliveries/http-endpoint-failed/
            """)

    enum OutputFormat: String, ExpressibleByArgument { case json, ocsf }

    @Option(name: .long, help: "A YAML file layered over the embedded default configuration.")
    var config: String?

    @OptionGroup var detectionOptions: DetectionOptions

    @Option(name: .long, help: "Output format: json (Firebreak's findings) or ocsf (OCSF Detection Findings), one per line.")
    var format: OutputFormat = .json

    @Option(name: .long, help: ArgumentHelp("Read only S3 keys dated this day or later (UTC, from their YYYY/MM/DD path).",
                                            valueName: "YYYY-MM-DD"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Read only S3 keys dated this day or earlier (UTC).", valueName: "YYYY-MM-DD"))
    var until: String?

    @Flag(name: .long, help: "Commit the findings to the configured store and outbox, as the service does, so playbooks act on them.")
    var respond = false

    @Option(name: .long, help: ArgumentHelp("Refuse an S3 object larger than this (it is held whole while it is decoded).",
                                            valueName: "bytes"))
    var maxObjectBytes: Int64 = ReplayOptions.defaultMaxObjectBytes

    @Option(name: .long, help: ArgumentHelp("Threads that read, decode and evaluate inputs (default: the cores); findings are still written in input order.",
                                            valueName: "N"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Argument(help: "Files or s3://bucket/prefix sources to evaluate; '-' reads standard input.")
    var sources: [String]

    func run() throws {
        guard jobs >= 1 else {
            InputFile.warn("firebreak replay: --jobs must be at least 1")
            throw ExitCode(2)
        }
        do {
            let dates = try ReplayDateRange.parse(since: since, until: until)
            let options = ReplayOptions(format: format == .ocsf ? .ocsf : .json, dates: dates, respond: respond,
                                        maxObjectBytes: maxObjectBytes, jobs: jobs)
            let count = try FileReplay.run(configFile: config, overrides: detectionOptions.overrides, sources: sources,
                                           options: options)
            throw ExitCode(count > 0 ? 1 : 0)
        } catch let error as CommandError {
            InputFile.warn("firebreak replay: \(error)")
            throw ExitCode(2)
        }
    }
}
