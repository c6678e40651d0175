/// Whether the store can commit deliveries now (`/healthz`).
public enum StoreHealth: Sendable, Equatable {
    case writable
    /// Deliveries would be answered 503; `reason` says why (disk full, file deleted or replaced, I/O error).
    case unwritable(reason: String)
}
