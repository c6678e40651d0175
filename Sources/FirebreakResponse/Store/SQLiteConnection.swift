import CSQLite
import Foundation

/// SQLite's "copy the bytes now" destructor; the C macro `SQLITE_TRANSIENT` is not imported.
private let SQLITE_TRANSIENT_ = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One result row, valid only inside the `query` callback that receives it.
struct SQLiteRow {
    fileprivate let statement: OpaquePointer

    /// The column's text, all of its bytes (a NUL inside included).
    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : text(column)
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func optionalInt64(_ column: Int32) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : int64(column)
    }
    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }
}

/// One SQLite connection. Not thread-safe by itself and deliberately not `Sendable`: `ResponseStore`
/// owns it inside a `Mutex`, so every use happens under that lock.
final class SQLiteConnection {
    let path: String
    private var handle: OpaquePointer?
    /// Prepared statements by SQL text, reused (reset, bindings cleared) from one call to the next: the commit of a
    /// delivery runs the same few statements once per finding and action. Bounded: past `maxCachedStatements`
    /// (queries whose SQL varies, such as an `IN (?, ?, …)` list) the cache is emptied.
    private var statements: [String: OpaquePointer] = [:]
    private static let maxCachedStatements = 64

    /// Opens (creating if needed, unless `readOnly`) the file; `busyTimeoutMillis` is how long a write waits for another
    /// connection's lock before failing with `SQLITE_BUSY`.
    init(path: String, busyTimeoutMillis: Int32, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_FULLMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            let code = db.map { sqlite3_extended_errcode($0) } ?? rc
            sqlite3_close_v2(db)
            throw .cannotOpen(path: path, code: code, message: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMillis)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// True when SQLite opened the file read-only (write-protected file or folder).
    var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// Runs SQL without parameters or results (pragmas, schema, transaction control). Several
    /// statements separated by `;` are allowed.
    func execute(script sql: String, operation: @autoclosure () -> String) throws(StoreError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(operation(), rc) }
    }

    /// Runs one statement with parameters; returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLiteValue] = [], operation: @autoclosure () -> String)
        throws(StoreError) -> Int {
        try query(sql, parameters, operation: operation()) { _ throws(StoreError) in () }
        return Int(sqlite3_changes(handle))
    }

    /// Runs one statement with parameters and maps each row.
    @discardableResult
    func query<T>(_ sql: String, _ parameters: [SQLiteValue] = [], operation: @autoclosure () -> String,
                  row: (SQLiteRow) throws(StoreError) -> T) throws(StoreError) -> [T] {
        let (statement, cached) = try prepared(sql, operation: operation())
        defer {
            if cached {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            } else {
                sqlite3_finalize(statement)
            }
        }
        for (offset, value) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case let .text(text):
                // The bytes in place (a String argument would be copied into a C string first); SQLite copies them.
                // An empty string is bound from "" (a nil pointer would bind NULL).
                var text = text
                rc = text.withUTF8 { bytes in
                    guard let base = bytes.baseAddress, !bytes.isEmpty else {
                        return sqlite3_bind_text(statement, index, "", 0, SQLITE_TRANSIENT_)
                    }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text(statement, index, $0, Int32(bytes.count), SQLITE_TRANSIENT_)
                    }
                }
            case let .integer(number): rc = sqlite3_bind_int64(statement, index, number)
            case .null: rc = sqlite3_bind_null(statement, index)
            }
            guard rc == SQLITE_OK else { throw error(operation(), rc) }
        }
        var rows: [T] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_ROW {
                rows.append(try row(SQLiteRow(statement: statement)))
            } else if rc == SQLITE_DONE {
                return rows
            } else {
                throw error(operation(), rc)
            }
        }
    }

    /// The cached statement for `sql`, or a new one (cached when there is room; one already stepping, as in a query
    /// run from a row callback of the same SQL, is not shared).
    /// `cached` is false for a statement the caller finalizes after use.
    private func prepared(_ sql: String, operation: @autoclosure () -> String)
        throws(StoreError) -> (statement: OpaquePointer, cached: Bool) {
        let found = statements[sql]
        if let found, sqlite3_stmt_busy(found) == 0 { return (found, true) }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(operation(), rc) }
        guard found == nil else { return (statement, false) }
        if statements.count >= Self.maxCachedStatements {
            for cached in statements.values { sqlite3_finalize(cached) }
            statements.removeAll(keepingCapacity: true)
        }
        statements[sql] = statement
        return (statement, true)
    }

    /// The first column of the first row as an integer, 0 when there is no row.
    func scalar(_ sql: String, _ parameters: [SQLiteValue] = [], operation: @autoclosure () -> String)
        throws(StoreError) -> Int64 {
        try query(sql, parameters, operation: operation()) { row throws(StoreError) in row.int64(0) }.first ?? 0
    }

    /// The first column of the first row as text.
    func text(_ sql: String, operation: @autoclosure () -> String) throws(StoreError) -> String? {
        try query(sql, operation: operation()) { row throws(StoreError) in row.optionalText(0) }.first ?? nil
    }

    /// Runs `body` in `BEGIN IMMEDIATE … COMMIT` (the write lock is taken up front, so two writers
    /// never deadlock on a lock upgrade); rolls back on any error, including a failing `COMMIT`.
    func transaction<T>(_ operation: @autoclosure () -> String, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute(script: "BEGIN IMMEDIATE", operation: "\(operation()) (begin)")
        do {
            let result = try body()
            try execute(script: "COMMIT", operation: "\(operation()) (commit)")
            return result
        } catch {
            if sqlite3_get_autocommit(handle) == 0 {
                sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            }
            throw error
        }
    }

    private func error(_ operation: String, _ rc: Int32) -> StoreError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        let code = handle.map { sqlite3_extended_errcode($0) } ?? rc
        return .sqlite(path: path, operation: operation, code: code, message: message)
    }
}
