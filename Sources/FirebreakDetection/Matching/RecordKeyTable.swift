import FirebreakLogs

/// The top-level keys a rule set reads from CloudTrail records, and how one record's members are found for all of
/// them in one walk (`resolve`): afterwards a rule reads member `RecordKey.id(key)` from the slots without a lookup.
///
/// A key's value is the member at its usual CloudTrail position (`RecordKey.cloudTrailOrder`) when that member has
/// the key, else its last member with the key: what `FieldMatcher` and `EqualityPrefilter` read from a tree.
final class RecordKeyTable: @unchecked Sendable {
    // @unchecked: immutable after init; the buffers are owned and freed here.
    /// Slots a record needs: one past the highest key id in the table.
    let slotCount: Int
    private let ids: [Int]
    private let keys: [[UInt8]]
    private let hints: [Int]
    /// Open addressing by `hash`: entry positions + 1 (0 is empty).
    private let table: UnsafeMutablePointer<Int32>
    private let mask: Int

    /// A table of `keys` (duplicates ignored).
    init(keys: Set<String>) {
        let sorted = keys.sorted()
        ids = sorted.map(RecordKey.id)
        self.keys = sorted.map { Array($0.utf8) }
        hints = sorted.map { RecordKey.cloudTrailOrder[$0] ?? Int.max }
        slotCount = (ids.max() ?? -1) + 1
        var size = 16
        while size < sorted.count * 4 { size *= 2 }
        mask = size - 1
        table = .allocate(capacity: size)
        table.initialize(repeating: 0, count: size)
        for (position, key) in self.keys.enumerated() {
            var slot = key.withUnsafeBufferPointer { Self.hash($0) } & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(position + 1)
        }
    }

    deinit { table.deallocate() }

    /// Scratch slots for `resolve`, every one marked "not in the table" (-2) until a record is resolved into them.
    func makeSlots() -> UnsafeMutablePointer<Int32> {
        let slots = UnsafeMutablePointer<Int32>.allocate(capacity: max(slotCount, 1))
        slots.initialize(repeating: -2, count: max(slotCount, 1))
        return slots
    }

    @inline(__always)
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var word: UInt64 = UInt64(key.count)
        var i = 0
        while i < key.count && i < 8 {
            word = word &* 0x100 &+ UInt64(key[i])
            i += 1
        }
        if key.count > 8 { word = word &* 31 &+ UInt64(key[key.count - 1]) &+ UInt64(key[key.count / 2]) << 8 }
        return Int(truncatingIfNeeded: (word &* 0x9E37_79B9_7F4A_7C15) >> 40)
    }

    @inline(__always)
    private func position(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        var slot = Self.hash(key) & mask
        while true {
            let entry = Int(table[slot])
            if entry == 0 { return nil }
            let candidate = keys[entry - 1]
            if candidate.count == key.count
                && candidate.withUnsafeBufferPointer({ key.count == 0 || memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }) {
                return entry - 1
            }
            slot = (slot + 1) & mask
        }
    }

    /// Finds the members of the object at `root` for every key of the table: `slots[id]` becomes the member's value
    /// entry, or -1 when the record has none.
    func resolve(_ tape: JSONTape, _ root: Int, into slots: UnsafeMutablePointer<Int32>) {
        for id in ids { slots[id] = -1 }
        guard tape.kind(root) == .object else { return }
        var pinned: UInt64 = 0   // bit h: the member at position h was taken as its key's usual position
        var member = 0
        var i = root + 1
        let end = tape.next(root)
        while i < end {
            let found = tape.withString(i) { position(of: $0) }
            if let found {
                let hint = hints[found]
                if hint == member {
                    slots[ids[found]] = Int32(i + 1)
                    pinned |= 1 << UInt64(hint)
                } else if hint >= 64 || pinned & (1 << UInt64(hint)) == 0 {
                    slots[ids[found]] = Int32(i + 1)
                }
            }
            member += 1
            i = tape.next(i + 1)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
