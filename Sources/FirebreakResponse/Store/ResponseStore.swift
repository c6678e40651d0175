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
    /// A commit is refused (`StoreError.full`) while the pages in use hold this many bytes or more; 0: no limit.
    public let maxBytes: Int64
    private let connection: Mutex<SQLiteConnection?>
    /// A read-only connection for queries (`/findings`), so that they never wait for or hold the lock that
    /// commits deliveries (WAL lets it read while the writer writes); nil in memory.
    private let reader: Mutex<SQLiteConnection?>
    /// The file the store opened; a commit first checks that the path still names it.
    let identity: StoreFileIdentity?
    /// The last failed write (disk full, I/O error, file gone), until a write succeeds again.
    let writeFailure = Mutex<StoreWriteFailure?>(nil)

    /// Opens (creating the file and its parent folder if needed) and migrates the store.
    ///
    /// - Parameters:
    ///   - path: the database file, or `":memory:"` (tests).
    ///   - idempotencyWindow: seconds during which an idempotency key blocks a new action; 1 hour by default.
    ///   - busyTimeout: seconds a write waits for another connection's lock; 5 by default.
    ///   - maxBytes: refuse commits while the store's pages in use hold this many bytes or more (`size()`); 0, the
    ///     default, for no limit. A commit that starts below it may pass it by its own size.
    ///   - replaceLost: create an empty store even where `<path>.created` shows that one existed and was lost
    ///     (`firebreak serve --init-store`); without it that case throws `StoreError.lost`.
    public init(path: String, idempotencyWindow: TimeInterval = 3600, busyTimeout: TimeInterval = 5,
                maxBytes: Int64 = 0, replaceLost: Bool = false) throws(StoreError)
    {
        self.path = path
        self.idempotencyWindow = idempotencyWindow
        self.maxBytes = max(0, maxBytes)
        let inMemory = path == ":memory:" || path.isEmpty
        var created = false
        if !inMemory {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreateFolder(path: path, reason: "\(folder.path): \(error.localizedDescription)")
            }
            let marker = StoreMarker(store: path)
            if !FileManager.default.fileExists(atPath: path) {
                if marker.exists && !replaceLost { throw .lost(path: path, marker: marker.path, note: marker.contents) }
                created = true
            }
        }
        let busyMillis = Int32(max(0, min(busyTimeout * 1000, 3_600_000)))
        let db = try SQLiteConnection(path: path, busyTimeoutMillis: busyMillis)
        if db.isReadOnly {
            throw .cannotOpen(path: path, code: SQLITE_READONLY,
                              message: "the file can only be opened read-only")
        }
        // 16 KiB pages for a new file (an existing one keeps its size): a finding row is 1–2.5 KiB, and 4 KiB pages
        // held one row each, half empty (the store took 30 % more disk for the same findings).
        try db.execute(script: "PRAGMA page_size = 16384", operation: "set page_size")
        _ = try db.text("PRAGMA journal_mode = WAL", operation: "set journal_mode=WAL")
        // SQLite's default page cache, 2 MB (125 pages of 16 KiB), said out loud: 16 MiB measured no faster in the
        // benchmarks and kept resident memory climbing for minutes as a store filled (`make soak`: +12 %; 4 MiB +7 %).
        // The WAL is checkpointed at 4 MiB (256 pages of 16 KiB, as SQLite's default of 1000 pages of 4 KiB) and cut
        // back to 8 MiB after a checkpoint, so a burst does not leave a large -wal file behind.
        try db.execute(script: "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -2000; "
                            + "PRAGMA wal_autocheckpoint = 256; PRAGMA journal_size_limit = 8388608",
                       operation: "set synchronous=FULL, foreign_keys=ON, cache_size and the WAL's checkpoint and size limit")
        try StoreSchema.migrate(db)
        connection = Mutex(db)
        if inMemory {
            identity = nil
            reader = Mutex(nil)
        } else {
            let marker = StoreMarker(store: path)
            if created || !marker.exists { try marker.write() }
            identity = StoreFileIdentity.of(path)
            reader = Mutex(try SQLiteConnection(path: path, busyTimeoutMillis: busyMillis, readOnly: true))
        }
    }

    /// Closes the database; later calls throw `StoreError.closed`. Closing twice is harmless. The
    /// database also closes when the store is released.
    public func close() {
        connection.withLock { $0 = nil }
        reader.withLock { $0 = nil }
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

    /// Runs `body` with the read-only connection (the main one in memory), under its own lock: queries never
    /// wait for a commit.
    func withReader<T: Sendable>(_ body: (SQLiteConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        let path = self.path
        let result: T? = try reader.withLock { db throws(StoreError) -> T? in
            guard let db else { return nil }
            return try body(db)
        }
        if let result { return result }
        if identity != nil { throw .closed(path: path) }
        return try withConnection(body)
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

/// The SQLite state store.
extension ResponseStore: StateStore {}
