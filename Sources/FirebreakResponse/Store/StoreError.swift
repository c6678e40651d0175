import FirebreakAWS
import Foundation

/// Why the response store could not do what was asked.
///
/// Every case that comes from SQLite names the database file and SQLite's own error text, so a log line
/// is enough to act on it. The Firehose endpoint answers 503 on any of them: nothing was acknowledged,
/// so Firehose delivers the batch again later.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder that should hold the database could not be created.
    case cannotCreateFolder(path: String, reason: String)
    /// SQLite could not open (or configure) the database file.
    case cannotOpen(path: String, code: Int32, message: String)
    /// A statement failed: disk full, locked past the busy timeout, read-only file, constraint, ...
    /// `code` is SQLite's extended result code.
    case sqlite(path: String, operation: String, code: Int32, message: String)
    /// The file was written by a newer Firebreak whose schema this build does not know.
    case unsupportedSchema(path: String, found: Int, supported: Int)
    /// No action has this id.
    case actionNotFound(id: String)
    /// The action is not in a state that allows the transition (e.g. finishing an action twice with
    /// different outcomes, or `retryLater` on an action that is not running).
    case invalidTransition(id: String, from: ActionState, to: ActionState)
    /// A row holds a value this build cannot read (an unknown step or state, bad JSON): written by a
    /// newer Firebreak or edited by hand.
    case corruptRow(table: String, id: String, reason: String)
    /// `close()` was called; the store cannot be used any more.
    case closed(path: String)
    /// The store file is missing but its marker shows that a store existed there.
    case lost(path: String, marker: String, note: String)
    /// The store file was deleted or replaced while the service had it open.
    case fileReplaced(path: String, reason: String)
    /// The store holds `usedBytes` in its pages, at or past `store.max_bytes`: a delivery is not committed (503)
    /// until pruning makes room or the limit is raised.
    case full(path: String, usedBytes: Int64, maxBytes: Int64)
    /// A DynamoDB call on the shared state table failed (throttled past the retries, access denied, table missing).
    case dynamoDB(table: String, operation: String, error: DynamoDBError)
    /// This task's lease on a delivery ran out and another task claimed it: this task must not acknowledge it.
    case leaseLost(requestID: String)
    /// Another task is committing this delivery now (its lease runs until `until`): answered 503, and Firehose's
    /// next try finds it done.
    case deliveryInProgress(requestID: String, until: Date)

    public var description: String {
        switch self {
        case let .cannotCreateFolder(path, reason):
            return "response store: cannot create the folder for \(path): \(reason). "
                + "Check the path in the configuration and that the service may write there."
        case let .cannotOpen(path, code, message):
            return "response store: cannot open \(path): \(message) (SQLite code \(code)). "
                + StoreError.hint(for: code)
        case let .sqlite(path, operation, code, message):
            return "response store \(path): \(operation) failed: \(message) (SQLite code \(code)). "
                + StoreError.hint(for: code)
        case let .unsupportedSchema(path, found, supported):
            return "response store \(path) has schema version \(found), this build knows up to \(supported): "
                + "run the newer Firebreak, or point this one at another file."
        case let .actionNotFound(id):
            return "response store: no action with id \(id)"
        case let .invalidTransition(id, from, to):
            return "response store: action \(id) cannot go from \(from.rawValue) to \(to.rawValue)"
        case let .corruptRow(table, id, reason):
            return "response store: row \(id) of \(table) cannot be read: \(reason)"
        case let .closed(path):
            return "response store \(path) is closed"
        case let .lost(path, marker, note):
            return "response store \(path) is missing, but \(marker) says: \(note). Restore the file (with its -wal file), "
                + "or start with --init-store to begin an empty store in its place."
        case let .fileReplaced(path, reason):
            return "response store \(path) \(reason) while in use: deliveries are refused (503) until the service "
                + "restarts on a store it can keep; restore the file, or restart with --init-store."
        case let .dynamoDB(table, operation, error):
            return "state table \(table): \(operation) failed: \(error). Deliveries are refused (503) and Firehose retries "
                + "them; check the task role's DynamoDB permissions and the table's name and region."
        case let .leaseLost(requestID):
            return "delivery \(requestID): this task's lease ran out and another task took the delivery over; it is not "
                + "acknowledged here (the other task commits it)"
        case let .deliveryInProgress(requestID, until):
            return "delivery \(requestID) is being committed by another task (its lease runs until "
                + "\(until.formatted(.iso8601))); Firehose's next try is answered from what that task commits"
        case let .full(path, usedBytes, maxBytes):
            return "response store \(path) is full: \(usedBytes) bytes in use, store.max_bytes is \(maxBytes). Deliveries "
                + "are refused (503) and Firehose redelivers them once there is room. Findings are pruned oldest first once "
                + "every action of theirs is done, failed or skipped; when none can be, let the executor finish the pending "
                + "actions (or resolve the held ones), or raise store.max_bytes (FIREBREAK_STORE_MAX_BYTES) and restart."
        }
    }

    /// SQLite's extended result code, when the error came from SQLite.
    public var sqliteCode: Int32? {
        switch self {
        case let .cannotOpen(_, code, _), let .sqlite(_, _, code, _): return code
        default: return nil
        }
    }

    /// What to do about the common primary codes.
    private static func hint(for code: Int32) -> String {
        switch code & 0xff {
        case 5, 6: return "Another process holds the database longer than the busy timeout; is a second Firebreak using the same file?"
        case 8: return "The file or its folder is read-only; give the service write access to both (WAL needs the -wal and -shm files)."
        case 13: return "The disk is full; free space, Firehose will redeliver."
        case 14: return "Check that the folder exists and is writable, and that the path is not a folder."
        case 10: return "An I/O error; check the disk."
        case 11, 26: return "The file is not a valid SQLite database or is damaged; move it aside."
        default: return ""
        }
    }
}
