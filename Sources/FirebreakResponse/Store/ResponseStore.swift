import CSQLite
import Foundation
import Synchronization

/// The durable store of the response path: Firehose deliveries (for redelivery dedup), findings, and the
/// outbox of planned actions the executor works through.
///
/// - One SQLite file in WAL mode, `synchronous=FULL`: a commit is on disk (the WAL is fsynced) before
///   `commit` returns, so the endpoint acknowledges only what survives a power cut, not just a crash.
///   Commits are one per Firehose batch, so the fsync costs little.
/// - `foreign_keys=ON`: a finding belongs to a delivery, an action to a finding.
/// - Writes wait up to `busyTimeout` for another connection (another process on the same file); past
///   that they throw `StoreError.sqlite` with `SQLITE_BUSY`, and the endpoint answers 503.
/// - Thread-safe: the one connection lives in a `Mutex`, so calls from any thread are serialized.
///   Several `ResponseStore`s (or processes) on one file are also safe: every write transaction is
///   `BEGIN IMMEDIATE`.
///
/// Errors are `StoreError`s naming the file and SQLite's error text.
public final class ResponseStore: Sendable {
    /// The database path as given (`":memory:"` for a private in-memory store).
    public let path: String
    /// A second action with the same idempotency key inside this window is not inserted.
    public let idempotencyWindow: TimeInterval
    private let connection: Mutex<SQLiteConnection?>

    /// Opens (creating the file and its parent folder if needed) and migrates the store.
    ///
    /// - Parameters:
    ///   - path: the database file, or `":memory:"` (tests).
    ///   - idempotencyWindow: seconds during which an idempotency key blocks a new action; 1 hour by default.
    ///   - busyTimeout: seconds a write waits for another connection's lock; 5 by default.
    public init(path: String, idempotencyWindow: TimeInterval = 3600, busyTimeout: TimeInterval = 5)
        throws(StoreError)
    {
        self.path = path
        self.idempotencyWindow = idempotencyWindow
        let inMemory = path == ":memory:" || path.isEmpty
        if !inMemory {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreateFolder(path: path, reason: "\(folder.path): \(error.localizedDescription)")
            }
        }
        let db = try SQLiteConnection(path: path, busyTimeoutMillis: Int32(max(0, busyTimeout * 1000)))
        if db.isReadOnly {
            throw .cannotOpen(path: path, code: SQLITE_READONLY,
                              message: "the file can only be opened read-only")
        }
        _ = try db.text("PRAGMA journal_mode = WAL", operation: "set journal_mode=WAL")
        try db.execute(script: "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
                       operation: "set synchronous=FULL and foreign_keys=ON")
        try StoreSchema.migrate(db)
        connection = Mutex(db)
    }

    /// Closes the database; later calls throw `StoreError.closed`. Closing twice is harmless. The
    /// database also closes when the store is released.
    public func close() {
        connection.withLock { $0 = nil }
    }

    /// SQLite's journal mode: `wal` for a file, `memory` for `":memory:"`.
    public func journalMode() throws(StoreError) -> String {
        try withConnection { db throws(StoreError) in
            try db.text("PRAGMA journal_mode", operation: "read journal_mode") ?? ""
        }
    }

    /// The schema version (`PRAGMA user_version`).
    public func schemaVersion() throws(StoreError) -> Int {
        try withConnection { db throws(StoreError) in
            Int(try db.scalar("PRAGMA user_version", operation: "read the schema version"))
        }
    }

    /// Runs `body` with the connection, under the lock.
    func withConnection<T: Sendable>(_ body: (SQLiteConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        let path = self.path
        return try connection.withLock { db throws(StoreError) -> T in
            guard let db else { throw .closed(path: path) }
            return try body(db)
        }
    }
}
