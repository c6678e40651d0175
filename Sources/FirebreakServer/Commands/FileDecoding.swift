import FirebreakLogs
import Foundation

/// `firebreak decode`: decodes files as the service would and prints one JSON line per event.
public enum FileDecoding {
    /// Decodes `files` in order; problems go to standard error. Returns false when a file could not be read
    /// or decoded at all.
    public static func run(configFile: String?, files: [String]) throws(CommandError) -> Bool {
        let settings: ServiceConfiguration
        do {
            settings = try ServiceConfiguration.load(file: configFile)
        } catch {
            throw .configuration(error)
        }
        let decoder = RecordDecoder(configuration: fileDecoderConfiguration(settings))
        var allDecoded = true
        for path in files {
            guard let bytes = InputFile.read(path) else {
                InputFile.warn("\(path): cannot read the file")
                allDecoded = false
                continue
            }
            do {
                let result = try decoder.decodeFile(bytes)
                var out = ""
                for event in result.events {
                    out += event.jsonLine()
                    out += "\n"
                    if out.utf8.count > 1 << 20 {
                        InputFile.write(out)
                        out = ""
                    }
                }
                InputFile.write(out)
                for issue in result.issues {
                    let at = "record \(issue.recordIndex)" + (issue.line.map { ", line \($0)" } ?? "")
                    InputFile.warn("\(path): \(at): \(issue.kind.rawValue): \(issue.message)")
                }
                if result.controlMessages > 0 {
                    InputFile.warn("\(path): \(result.controlMessages) CloudWatch Logs control message(s) ignored")
                }
            } catch {
                InputFile.warn("\(path): \(error.message)")
                allDecoded = false
            }
        }
        return allDecoded
    }

    /// The configured decoder without the per-record event limit: a file is not a Firehose record, and an
    /// S3 flow-log object may hold millions of lines.
    static func fileDecoderConfiguration(_ settings: ServiceConfiguration) -> DecoderConfiguration {
        var configuration = settings.decoder
        configuration.maxEventsPerRecord = Int.max
        return configuration
    }
}
