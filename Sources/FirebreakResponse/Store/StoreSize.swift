/// How much the store's database holds, from SQLite's own page counts (`PRAGMA page_count`, `freelist_count`,
/// `page_size`). The `-wal` file is not counted: a checkpoint copies it back and it restarts from its beginning.
public struct StoreSize: Sendable, Hashable {
    public var pageSize: Int64
    /// Pages in the database, free ones included: `pageCount × pageSize` is the database's size on disk.
    public var pageCount: Int64
    /// Pages on the free list: emptied by deletes, reused by later writes before the file grows again.
    public var freePages: Int64

    public init(pageSize: Int64, pageCount: Int64, freePages: Int64) {
        self.pageSize = pageSize
        self.pageCount = pageCount
        self.freePages = freePages
    }

    /// The database's size: `page_count × page_size`. Deleting rows does not shrink it (no vacuum runs); their
    /// pages go to the free list and are written again first.
    public var fileBytes: Int64 { pageCount * pageSize }
    /// The bytes free pages hold (part of `fileBytes`).
    public var freeBytes: Int64 { freePages * pageSize }
    /// What `store.max_bytes` is compared with: the pages in use, `(page_count − freelist_count) × page_size`.
    public var usedBytes: Int64 { (pageCount - freePages) * pageSize }
}
