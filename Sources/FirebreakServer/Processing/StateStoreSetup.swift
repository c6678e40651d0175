import FirebreakAWS
import FirebreakDetection
import FirebreakResponse
import Foundation

/// Opens the store `store.backend` names: the SQLite file (with what only a file has: its pruner and size), or the
/// shared DynamoDB table.
public enum StateStoreSetup {
    /// The store, the SQLite store when that is what it is, and the shared correlation windows of a table.
    public static func open(_ c: ServiceConfiguration, idempotencyWindow: TimeInterval, aws: AWSClientFactory)
        throws(ResponseLayer.SetupError)
        -> (store: any StateStore, file: ResponseStore?, correlations: (any SharedCorrelationState)?) {
        switch c.storeBackend {
        case .sqlite:
            do {
                let store = try ResponseStore(path: c.storePath, idempotencyWindow: idempotencyWindow,
                                              maxBytes: c.storeMaxBytes, replaceLost: c.replaceLostStore)
                return (store, store, nil)
            } catch {
                throw ResponseLayer.SetupError(description: "cannot open the store: \(error)")
            }
        case .dynamodb(let table):
            let dynamo = DynamoDBClient(client: try aws.client(.dynamoDB))
            let store = DynamoDBStateStore(dynamo: dynamo, table: table, owner: taskName(),
                                           idempotencyWindow: idempotencyWindow, retention: c.storeRetention)
            return (store, nil, DynamoDBCorrelationState(dynamo: dynamo, table: table))
        }
    }

    /// Creates the configured DynamoDB table when it is missing (`firebreak store init`); returns its description.
    public static func initializeTable(_ c: ServiceConfiguration, aws: AWSClientFactory) throws(ResponseLayer.SetupError)
        -> DynamoDBTableDescription {
        guard case .dynamodb(let table) = c.storeBackend else {
            throw ResponseLayer.SetupError(description: "store.backend is sqlite: the SQLite file is created by "
                                           + "`firebreak serve`; set store.backend to dynamodb (FIREBREAK_STORE_BACKEND) "
                                           + "and store.dynamodb.table (FIREBREAK_DYNAMODB_TABLE) to create a table")
        }
        do {
            return try DynamoDBStateStore.initialize(dynamo: DynamoDBClient(client: try aws.client(.dynamoDB)), table: table)
        } catch {
            throw ResponseLayer.SetupError(description: "\(error)")
        }
    }

    /// This task's name in leases: the host, the process and a random part (a restarted process is another task).
    static func taskName() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
