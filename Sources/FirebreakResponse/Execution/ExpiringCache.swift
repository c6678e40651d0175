/// A map whose entries expire `ttl` after they were stored and whose size is bounded: past `capacity`, the
/// oldest stored entries are evicted first. Not thread-safe by itself (`ResourceResolver` keeps it in a Mutex).
struct ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        var value: Value
        var stored: ContinuousClock.Instant
        var generation: UInt64
    }

    let ttl: Duration
    let capacity: Int
    private var entries: [Key: Entry] = [:]
    /// Insertion order (key, generation); stale pairs (overwritten or removed keys) are skipped on eviction.
    private var order: [(key: Key, generation: UInt64)] = []
    private var orderStart = 0
    private var nextGeneration: UInt64 = 0

    init(ttl: Duration, capacity: Int) {
        self.ttl = ttl
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.count }

    /// The value stored for `key` if it has not expired at `now`.
    mutating func value(for key: Key, now: ContinuousClock.Instant) -> Value? {
        guard let entry = entries[key] else { return nil }
        if entry.stored.duration(to: now) >= ttl {
            entries[key] = nil
            return nil
        }
        return entry.value
    }

    mutating func store(_ value: Value, for key: Key, now: ContinuousClock.Instant) {
        nextGeneration += 1
        entries[key] = Entry(value: value, stored: now, generation: nextGeneration)
        order.append((key, nextGeneration))
        while entries.count > capacity, orderStart < order.count {
            let oldest = order[orderStart]
            orderStart += 1
            if entries[oldest.key]?.generation == oldest.generation { entries[oldest.key] = nil }
        }
        compactOrder()
    }

    mutating func remove(_ key: Key) {
        entries[key] = nil
    }

    /// Drops consumed and stale order pairs once they outnumber the live entries, so `order` stays O(capacity).
    private mutating func compactOrder() {
        guard order.count - orderStart > 2 * capacity + 16 || orderStart > capacity + 16 else { return }
        order = order[orderStart...].filter { entries[$0.key]?.generation == $0.generation }
        orderStart = 0
    }
}
