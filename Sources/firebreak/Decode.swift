import ArgumentParser
import FirebreakLogs
import FirebreakServer
import Foundation

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode log files and print one JSON line per event.",
        discussion: """
            Reads Firehose HTTP request bodies, CloudWatch Logs subscription payloads, CloudTrail S3 log files \
            ({"Records":[...]}) and VPC flow-log files, gzip'd or plain, and prints each decoded event as one JSON \
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
        let settings: ServiceConfiguration
        do {
            settings = try ServiceConfiguration.load(file: config)
        } catch {
            throw ValidationError(error.description)
        }
        // A file is not a Firehose record: an S3 flow-log object may hold millions of lines.
        var configuration = settings.decoder
        configuration.maxEventsPerRecord = Int.max
        let decoder = RecordDecoder(configuration: configuration)
        var failed = false
        for path in files {
            guard let bytes = InputFile.read(path) else {
                InputFile.warn("\(path): cannot read the file")
                failed = true
                continue
            }
            do {
                let result = try decoder.decodeFile(bytes)
                var out = ""
                for event in result.events {
                    out += event.jsonLine()
                    out += "\n"
                    if out.utf8.count > 1 << 20 {
                        FileHandle.standardOutput.write(Data(out.utf8))
                        out = ""
                    }
                }
                FileHandle.standardOutput.write(Data(out.utf8))
                for issue in result.issues {
                    let at = "record \(issue.recordIndex)" + (issue.line.map { ", line \($0)" } ?? "")
                    FileHandle.standardError.write(Data("\(path): \(at): \(issue.kind.rawValue): \(issue.message)\n".utf8))
                }
                if result.controlMessages > 0 {
                    FileHandle.standardError.write(Data("\(path): \(result.controlMessages) CloudWatch Logs control message(s) ignored\n".utf8))
                }
            } catch {
                FileHandle.standardError.write(Data("\(path): \(error.message)\n".utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
