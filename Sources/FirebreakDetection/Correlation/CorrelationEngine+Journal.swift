extension CorrelationEngine {
    /// The undo log of one open transaction: the group table's scalars as they were, and the before-image of
    /// everything the transaction changed since, replayed backwards by `State.rollBack()`.
    ///
    /// A slot's before-image is saved on its first change in the transaction (slots appended by it are cut
    /// off instead), so the log grows with the groups a delivery touches, not with the table.
    struct Journal: Sendable {
        enum Entry: Sendable {
            /// `slots[slot]` as it was before the transaction first changed it.
            case slot(Int, Group)
            /// `index[group]` as it was before this change.
            case index(GroupID, Int?)
            /// A slot taken from the free list.
            case freePopped(Int)
            /// A slot pushed onto the free list.
            case freePushed
        }

        let slotCount: Int
        let head: Int
        let tail: Int
        let evictions: Int
        let expirations: Int
        let clock: Int64
        var entries: [Entry] = []
        var saved: Set<Int> = []
    }
}

extension CorrelationEngine.State {
    /// Starts logging every change, so that `rollBack()` can undo them.
    mutating func beginJournal() {
        journal = CorrelationEngine.Journal(slotCount: slots.count, head: head, tail: tail, evictions: evictions,
                                            expirations: expirations, clock: clock)
    }

    /// Keeps the changes made since `beginJournal()`; returns the log, for the caller to free outside the lock.
    mutating func keepJournal() -> CorrelationEngine.Journal? {
        defer { journal = nil }
        return journal
    }

    /// Undoes every change made since `beginJournal()`: groups, their samples and order, the index, the free
    /// list, the counters and the clock are as they were.
    mutating func rollBack() {
        guard let log = journal else { return }
        journal = nil
        for entry in log.entries.reversed() {
            switch entry {
            case .slot(let slot, let group): slots[slot] = group
            case .index(let id, let slot): index[id] = slot
            case .freePopped(let slot): free.append(slot)
            case .freePushed: free.removeLast()
            }
        }
        if slots.count > log.slotCount { slots.removeLast(slots.count - log.slotCount) }
        head = log.head
        tail = log.tail
        evictions = log.evictions
        expirations = log.expirations
        clock = log.clock
    }

    /// Saves the before-image of `slot` when a transaction is open and has not saved it yet.
    mutating func save(_ slot: Int) {
        guard slot >= 0, let count = journal?.slotCount, slot < count,
              journal?.saved.insert(slot).inserted == true else { return }
        journal?.entries.append(.slot(slot, slots[slot]))
    }

    /// Logs `index[id]` before it changes.
    mutating func saveIndex(_ id: CorrelationEngine.GroupID) {
        guard journal != nil else { return }
        journal?.entries.append(.index(id, index[id]))
    }

    /// Logs a change of the free list.
    mutating func saveFree(_ entry: CorrelationEngine.Journal.Entry) {
        journal?.entries.append(entry)
    }
}
