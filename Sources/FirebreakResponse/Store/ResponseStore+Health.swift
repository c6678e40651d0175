import Foundation

extension ResponseStore {
    /// Throws `StoreError.fileReplaced` when the store's path no longer names the file it opened.
    func checkIdentity() throws(StoreError) {
        guard let identity else { return }
        guard let current = StoreFileIdentity.of(path) else { throw .fileReplaced(path: path, reason: "was deleted") }
        guard current == identity else { throw .fileReplaced(path: path, reason: "was replaced by another file") }
    }

    /// Runs a write that acknowledges deliveries: first checks the file's identity, then remembers whether the
    /// store can write (for `health()`). A result for which `wrote` is false (a redelivery answered without a
    /// write) proves nothing and leaves an earlier failure in place.
    func acknowledgingWrite<T>(wrote: (T) -> Bool = { _ in true }, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        do {
            try checkIdentity()
            let result = try body()
            if wrote(result) { writeFailure.withLock { $0 = nil } }
            return result
        } catch {
            if StoreWriteFailure.stopsCommits(error) {
                writeFailure.withLock { $0 = StoreWriteFailure(reason: error.description, lastProbe: Date()) }
            }
            throw error
        }
    }

    /// Whether a delivery could be committed now. After a failed write (disk full, `maxBytes` reached, I/O error) it
    /// probes with a one-row write and the size check at most once a second, so the answer turns `writable` when
    /// space returns.
    public func health(now: Date = Date()) -> StoreHealth {
        do {
            try checkIdentity()
        } catch {
            return .unwritable(reason: error.description)
        }
        guard let failure = writeFailure.withLock({ $0 }) else { return .writable }
        guard now.timeIntervalSince(failure.lastProbe) >= 1 else { return .unwritable(reason: failure.reason) }
        do {
            _ = try acknowledgingWrite { () throws(StoreError) in
                try withConnection { db throws(StoreError) in
                    try db.transaction("probe whether the store can write") { () throws(StoreError) in
                        try checkRoom(db)
                        try db.execute("INSERT OR REPLACE INTO health_probe (id, checked_at) VALUES (1, ?)", [.millis(now)],
                                       operation: "write the health probe")
                    }
                }
            }
            return .writable
        } catch {
            return .unwritable(reason: error.description)
        }
    }
}
