import Foundation

/// A write that failed for a reason that stops every commit (disk full, `store.max_bytes` reached, I/O error,
/// read-only, file gone), and
/// when the store last probed whether writing works again.
struct StoreWriteFailure: Sendable {
    var reason: String
    var lastProbe: Date

    /// True for errors that say the store cannot write at all, as opposed to one bad delivery.
    static func stopsCommits(_ error: StoreError) -> Bool {
        switch error {
        case .fileReplaced, .closed, .full: return true
        case .sqlite, .cannotOpen:
            // SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_CORRUPT, SQLITE_NOTADB
            return [13, 10, 8, 14, 11, 26].contains((error.sqliteCode ?? 0) & 0xff)
        default: return false
        }
    }
}
