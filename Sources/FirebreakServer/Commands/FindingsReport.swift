import FirebreakResponse
import FirebreakTime
import Foundation

/// `firebreak findings`: the findings in the configured store (the SQLite file, or the DynamoDB table with
/// `store.backend: dynamodb`), with their actions, as a table, JSON lines or OCSF Detection Findings (JSON lines).
public struct FindingsReport: Sendable {
    /// How findings are printed.
    public enum Format: String, Sendable, CaseIterable {
        /// One line per finding (and one per action with `id`).
        case table
        /// The finding's JSON per line, as `GET /findings` returns it.
        case json
        /// An OCSF Detection Finding per line (`OCSFFinding`; actions are not part of it).
        case ocsf
    }

    public var configFile: String?
    /// The store file; overrides `store.path` (and `store.backend`: the file is read).
    public var storePath: String?
    public var level: String?
    public var rule: String?
    /// ISO-8601, or milliseconds since the epoch.
    public var since: String?
    /// One finding with its actions.
    public var id: String?
    public var limit: Int
    public var format: Format

    public init(configFile: String?, storePath: String?, level: String?, rule: String?, since: String?, id: String?,
                limit: Int, format: Format) {
        self.configFile = configFile
        self.storePath = storePath
        self.level = level
        self.rule = rule
        self.since = since
        self.id = id
        self.limit = limit
        self.format = format
    }

    /// Prints the findings asked for.
    public func run() throws(CommandError) {
        let settings: ServiceConfiguration
        do {
            settings = try ServiceConfiguration.load(file: configFile)
        } catch {
            throw .configuration(error)
        }
        let sinceDate = try parseSince()
        let store: any StateStore
        var file: ResponseStore?
        let name: String
        if storePath == nil, case .dynamodb(let table) = settings.storeBackend {
            do {
                store = try StateStoreSetup.open(settings, idempotencyWindow: 3600,
                                                 aws: AWSClientFactory(configuration: settings,
                                                                       environment: ProcessInfo.processInfo.environment)).store
            } catch {
                throw CommandError(.failure, error.description)
            }
            name = "table \(table)"
        } else {
            let path = storePath ?? settings.storePath
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandError(.usage, "no store at \(path): start `firebreak serve` first, or pass --store")
            }
            do {
                file = try ResponseStore(path: path)
            } catch {
                throw CommandError(.failure, String(describing: error))
            }
            store = file!
            name = path
        }
        defer { file?.close() }
        do {
            if let id {
                try printOne(id: id, from: store, name: name)
            } else {
                try printList(from: store, since: sinceDate)
            }
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError(.failure, String(describing: error))
        }
    }

    private func parseSince() throws(CommandError) -> Date? {
        guard let since else { return nil }
        guard let date = FindingsAPI.parseTime(since) else {
            throw CommandError(.usage, "--since takes an ISO-8601 time or milliseconds since the epoch, in years 0000 to 9999")
        }
        return date
    }

    private func printOne(id: String, from db: any StateStore, name: String) throws {
        guard let (finding, actions) = try db.finding(id: id) else { throw CommandError(.usage, "no finding \(id) in \(name)") }
        switch format {
        case .json: print(FindingsAPI.findingJSON(finding).serialized()); return
        case .ocsf: print(OCSFFinding().render(finding).serialized()); return
        case .table: break
        }
        print("\(finding.id)  \(finding.level)  \(finding.title)  \(finding.resourceType) \(finding.resourceID)  "
              + Self.seen(finding))
        for record in actions {
            let action = record.action
            print("  \(action.sequence). \(action.step.kind.rawValue) \(action.resourceType) \(action.resourceID): "
                  + "\(action.state.rawValue)" + (action.reason.map { " (\($0))" } ?? "")
                  + (record.lastError.map { " error: \($0)" } ?? ""))
        }
    }

    private func printList(from db: any StateStore, since: Date?) throws {
        for finding in try db.findings(since: since, level: level, rule: rule, limit: limit) {
            switch format {
            case .json:
                print(FindingsAPI.findingJSON(finding).serialized())
            case .ocsf:
                print(OCSFFinding().render(finding).serialized())
            case .table:
                let time = UTCTime(clampingMillis: finding.timeMillis).iso8601
                print([finding.id, time, finding.level, finding.resourceType + " " + finding.resourceID, finding.title,
                       Self.seen(finding)].joined(separator: "  "))
            }
        }
    }

    /// `1 match` or `1000 matches, 2026-12-03T10:00:00.000Z to 2026-12-03T10:59:58.120Z`.
    static func seen(_ finding: StoredFinding) -> String {
        guard finding.count > 1 else { return "1 match" }
        return "\(finding.count) matches, \(UTCTime(clampingMillis: finding.firstSeenMillis).iso8601) to "
            + UTCTime(clampingMillis: finding.lastSeenMillis).iso8601
    }
}
