import FirebreakAWS
import Foundation

/// `firebreak store init`: creates the DynamoDB state table of `store.dynamodb.table` when it is missing (on-demand,
/// keys `pk`/`sk`, TTL on `expires_at`) and checks one that exists; for local use and tests (the stack creates the
/// table in production).
public struct StoreInitialization: Sendable {
    public var configFile: String?

    public init(configFile: String?) {
        self.configFile = configFile
    }

    /// What it did, in one line.
    public func run(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CommandError) -> String {
        let settings: ServiceConfiguration
        do {
            settings = try ServiceConfiguration.load(file: configFile, environment: environment)
        } catch {
            throw .configuration(error)
        }
        let table: DynamoDBTableDescription
        do {
            table = try StateStoreSetup.initializeTable(settings, aws: AWSClientFactory(configuration: settings,
                                                                                        environment: environment))
        } catch {
            throw CommandError(.failure, error.description)
        }
        return "state table \(table.tableName) is \(table.status) (keys pk/sk, TTL on expires_at)"
    }
}
