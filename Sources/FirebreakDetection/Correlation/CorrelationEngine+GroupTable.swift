extension CorrelationEngine {
    /// A group's identity: the correlation rule and its group-by values. The hash is computed once, when the match
    /// is prepared (outside the lock), so finding, adding and retiring the group under the lock hashes one word.
    struct GroupID: Hashable, Sendable {
        let correlation: Int
        let values: [String]
        let hash: Int

        init(correlation: Int, values: [String]) {
            self.correlation = correlation
            self.values = values
            var hasher = Hasher()
            hasher.combine(correlation)
            hasher.combine(values)
            hash = hasher.finalize()
        }

        static func == (a: GroupID, b: GroupID) -> Bool {
            a.hash == b.hash && a.correlation == b.correlation && a.values == b.values
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }

        /// The id of a free slot (no rule has it).
        static let vacant = GroupID(correlation: -1, values: [])
    }

    struct Arrival: Sendable {
        var group: GroupID
        var tag: UInt64
    }

    /// The group table: the open groups of every rule by id, in a least-recently-touched list whose back
    /// is evicted at the cap and retired when stale (see **Memory** on `CorrelationEngine`).
    struct State: Sendable {
        var index: [GroupID: Int] = [:]
        var slots: [Group] = []
        var free: [Int] = []
        var head = -1
        var tail = -1
        var evictions = 0
        var expirations = 0
        /// Newest event time seen by any group.
        var clock = Int64.min
        /// The undo log of the open transaction (see `CorrelationEngine+Journal`); nil outside one.
        var journal: CorrelationEngine.Journal?
    }
}

extension CorrelationEngine.State {
    typealias Plan = CorrelationEngine.Plan

    /// Adds one match to its group (creating, touching, evicting and expiring groups as needed);
    /// returns the window that fired, if one did.
    mutating func record(_ arrival: CorrelationEngine.Arrival, time: Int64, eventKey: String, plans: [Plan],
                         maxGroups: Int) -> CorrelationEngine.Window? {
        if time > clock { clock = time }
        expireStale(plans: plans)
        let slot: Int
        if let existing = index[arrival.group] {
            slot = existing
            moveToFront(slot)
        } else {
            if index.count >= maxGroups, tail >= 0 {
                remove(tail)
                evictions += 1
            }
            if let reused = free.popLast() {
                saveFree(.freePopped(reused))
                save(reused)
                slots[reused] = CorrelationEngine.Group(id: arrival.group)
                slot = reused
            } else {
                slots.append(CorrelationEngine.Group(id: arrival.group))
                slot = slots.count - 1
            }
            saveIndex(arrival.group)
            index[arrival.group] = slot
            linkAtFront(slot)
        }
        save(slot)
        return slots[slot].add(time: time, tag: arrival.tag, eventKey: eventKey,
                               plan: plans[arrival.group.correlation])
    }

    /// Retires up to two groups from the back whose newest match is behind the horizon of the clock
    /// (amortized O(1); the back is the least recently touched, so stale groups drift there).
    private mutating func expireStale(plans: [Plan]) {
        for _ in 0..<2 {
            let last = tail
            guard last >= 0 else { return }
            let plan = plans[slots[last].id.correlation]
            guard slots[last].newest < CorrelationEngine.minus(clock, plan.horizon) else { return }
            remove(last)
            expirations += 1
        }
    }

    private mutating func remove(_ slot: Int) {
        unlink(slot)
        saveIndex(slots[slot].id)
        index.removeValue(forKey: slots[slot].id)
        save(slot)
        slots[slot] = CorrelationEngine.Group(id: CorrelationEngine.GroupID.vacant)
        free.append(slot)
        saveFree(.freePushed)
    }

    private mutating func moveToFront(_ slot: Int) {
        guard head != slot else { return }
        unlink(slot)
        linkAtFront(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let previous = slots[slot].previous, next = slots[slot].next
        save(slot)
        save(previous)
        save(next)
        if previous >= 0 { slots[previous].next = next } else { head = next }
        if next >= 0 { slots[next].previous = previous } else { tail = previous }
        slots[slot].previous = -1
        slots[slot].next = -1
    }

    private mutating func linkAtFront(_ slot: Int) {
        save(slot)
        save(head)
        slots[slot].previous = -1
        slots[slot].next = head
        if head >= 0 { slots[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
    }
}
