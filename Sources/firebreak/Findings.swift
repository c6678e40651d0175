import ArgumentParser
import FirebreakServer
import Foundation

struct Findings: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the findings in the store, with their actions.",
        discussion: """
            Reads the configured store (the file store.path, var/firebreak.sqlite by default, or the DynamoDB table \
            store.dynamodb.table with store.backend dynamodb) — the same data as GET /findings — \
            as a table, as JSON lines, or as OCSF 1.6.0 Detection Findings (class 2004, one JSON line each). \
            The service may keep running meanwhile.

              firebreak findings --level high --since 2026-11-30T00:00:00Z
              firebreak findings --id fb-5f45d7ba30c11200656643cb0b6ad8bd --json
              firebreak findings --format ocsf --limit 500
            """)

    enum OutputFormat: String, ExpressibleByArgument { case table, json, ocsf }

    @Option(name: .long, help: "A YAML file layered over the embedded default configuration.")
    var config: String?

    @Option(name: .long, help: "The store file (overrides store.path).")
    var store: String?

    @Option(name: .long, help: "Only findings at this level (informational, low, medium, high, critical).")
    var level: String?

    @Option(name: .long, help: "Only findings of this rule id.")
    var rule: String?

    @Option(name: .long, help: "Only findings since this time (ISO-8601, or milliseconds since the epoch).")
    var since: String?

    @Option(name: .long, help: "One finding with its actions.")
    var id: String?

    @Option(name: .long, help: "At most this many findings.")
    var limit = 50

    @Flag(name: .long, help: "JSON lines instead of a table (--format json).")
    var json = false

    @Option(name: .long, help: "Output format: table, json (JSON lines) or ocsf (OCSF Detection Findings, JSON lines).")
    var format: OutputFormat?

    func validate() throws {
        if json, let format, format != .json {
            throw ValidationError("--json and --format \(format.rawValue) ask for different outputs; give one")
        }
    }

    func run() throws {
        let report = FindingsReport(configFile: config, storePath: store, level: level, rule: rule, since: since, id: id,
                                    limit: limit, format: Self.reportFormat(format ?? (json ? .json : .table)))
        do {
            try report.run()
        } catch {
            throw error.forArgumentParser
        }
    }

    static func reportFormat(_ format: OutputFormat) -> FindingsReport.Format {
        switch format {
        case .table: return .table
        case .json: return .json
        case .ocsf: return .ocsf
        }
    }
}
