import ArgumentParser
import FirebreakServer
import Foundation

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode log files and print one JSON line per event.",
        discussion: """
            Reads Firehose HTTP request bodies, CloudWatch Logs subscription payloads, CloudTrail S3 log files \
            ({"Records":[...]}), VPC flow-log files and ALB, S3 server access and CloudFront log files, gzip'd or \
            plain, and prints each decoded event as one JSON \
            line on standard output, exactly as the service sees it. Decode problems go to standard error with \
            their file, record and line; the exit code is 1 when a file could not be decoded at all.

              firebreak decode delivery.json
              firebreak decode 123456789012_CloudTrail_us-east-1_20260101T1005Z_abc.json.gz
              firebreak decode --config firebreak.yaml flow-log.log.gz
            """)

    @Option(name: .long, help: "A YAML file whose decode.flow_log_formats (custom flow-log formats) apply.")
    var config: String?

    @Argument(help: "Files to decode; '-' reads standard input.")
    var files: [String]

    func run() throws {
        do {
            if try !FileDecoding.run(configFile: config, files: files) { throw ExitCode(1) }
        } catch let error as CommandError {
            throw error.forArgumentParser
        }
    }
}
