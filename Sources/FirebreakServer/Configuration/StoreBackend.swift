/// Where the service keeps its state (`store.backend`).
public enum StoreBackend: Sendable, Hashable, CustomStringConvertible {
    /// One SQLite file (`store.path`): one task.
    case sqlite
    /// One DynamoDB table (`store.dynamodb.table`) shared by every task.
    case dynamodb(table: String)

    public var description: String {
        switch self {
        case .sqlite: return "sqlite"
        case .dynamodb(let table): return "dynamodb (table \(table))"
        }
    }

    /// DynamoDB's rule for table names: 3 to 255 of letters, digits, `_`, `-` and `.`.
    static func isTableName(_ name: String) -> Bool {
        (3...255).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == 0x5f || byte == 0x2d || byte == 0x2e
        }
    }
}
