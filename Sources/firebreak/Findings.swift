import ArgumentParser
import FirebreakResponse
import FirebreakServer
import Foundation

struct Findings: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the findings in the store, with their actions.",
        discussion: """
            Reads the store file (store.path, var/firebreak.sqlite by default) — the same data as GET /findings — \
            as a table or as JSON lines. The service may keep running meanwhile.

              firebreak findings --level high --since 2026-11-30T00:00:00Z
              firebreak findings --id fb-5f45d7ba30c11200656643cb0b6ad8bd --json
            """)

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

    @Flag(name: .long, help: "JSON lines instead of a table.")
    var json = false

    func run() throws {
        let settings: ServiceConfiguration
        do {
            settings = try ServiceConfiguration.load(file: config)
        } catch {
            throw ValidationError(error.description)
        }
        let path = store ?? settings.storePath
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no store at \(path): start `firebreak serve` first, or pass --store")
        }
        let db = try ResponseStore(path: path)
        defer { db.close() }
        if let id {
            guard let (finding, actions) = try db.finding(id: id) else { throw ValidationError("no finding \(id) in \(path)") }
            if json {
                print(finding.json)
                return
            }
            print("\(finding.id)  \(finding.level)  \(finding.title)  \(finding.resourceType) \(finding.resourceID)")
            for record in actions {
                let action = record.action
                print("  \(action.sequence). \(action.step.kind.rawValue) \(action.resourceType) \(action.resourceID): "
                      + "\(action.state.rawValue)" + (action.reason.map { " (\($0))" } ?? "")
                      + (record.lastError.map { " error: \($0)" } ?? ""))
            }
            return
        }
        var sinceDate: Date?
        if let since {
            if let millis = Int64(since) {
                sinceDate = Date(timeIntervalSince1970: Double(millis) / 1000)
            } else if let date = ISO8601DateFormatter().date(from: since) {
                sinceDate = date
            } else {
                throw ValidationError("--since takes an ISO-8601 time or milliseconds since the epoch")
            }
        }
        let findings = try db.findings(since: sinceDate, level: level, rule: rule, limit: limit)
        for finding in findings {
            if json {
                print(finding.json)
            } else {
                let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(finding.timeMillis) / 1000))
                print([finding.id, time, finding.level, finding.resourceType + " " + finding.resourceID, finding.title]
                    .joined(separator: "  "))
            }
        }
    }
}
