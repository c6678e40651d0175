import Foundation
import FirebreakLogs

/// A set of IPv4 and IPv6 addresses and networks, stored as sorted, merged ranges: IPv4 as 32-bit values
/// (`IPv4RangeTable`), the rest as ranges of the 128-bit address space (IPv4 being IPv4-mapped IPv6), so a
/// lookup is one binary search and 100,000 networks take about a MiB.
public struct IPSet: Sendable, Equatable {
    /// Everything in one immutable object, so that copying a set (into a predicate, out of an enum) is one retain.
    private let storage: Storage

    final class Storage: Sendable {
        /// Ranges not wholly inside the IPv4-mapped block (IPv6, and any range reaching past the block), 128-bit.
        let starts: [IPAddress]
        let ends: [IPAddress]
        /// The IPv4 addresses of the set: the wholly-IPv4 ranges, and the IPv4 part of the ranges above.
        let v4: IPv4RangeTable
        /// How many of `starts` also have their IPv4 part in `v4` (counted once by `rangeCount`).
        let shared: Int

        init(starts: [IPAddress] = [], ends: [IPAddress] = [], v4: IPv4RangeTable = IPv4RangeTable(), shared: Int = 0) {
            self.starts = starts
            self.ends = ends
            self.v4 = v4
            self.shared = shared
        }

        static let empty = Storage()
    }

    /// The IPv4-mapped block, `::ffff:0.0.0.0` to `::ffff:255.255.255.255`.
    private static let v4First = IPAddress(high: 0, low: 0xFFFF_0000_0000)
    private static let v4Last = IPAddress(high: 0, low: 0xFFFF_FFFF_FFFF)

    public init() { storage = .empty }

    private init(storage: Storage) { self.storage = storage }

    /// Builds a set from CIDR or single-address strings; throws on the first invalid entry.
    public init<S: Sequence>(parsing entries: S) throws(IPSetError) where S.Element == String {
        var builder = Builder()
        for entry in entries { try builder.add(entry) }
        self = builder.build()
    }

    /// Number of merged ranges.
    public var rangeCount: Int { storage.starts.count + storage.v4.count - storage.shared }
    public var isEmpty: Bool { storage.starts.isEmpty && storage.v4.count == 0 }

    public func contains(_ address: IPAddress) -> Bool {
        let storage = self.storage
        if address.high == 0 && address.low >> 32 == 0xFFFF {
            return storage.v4.contains(UInt32(truncatingIfNeeded: address.low))
        }
        // Last range whose start is <= address.
        let starts = storage.starts
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if starts[mid] <= address { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 && address <= storage.ends[lo - 1]
    }

    /// The union of two sets.
    public func union(_ other: IPSet) -> IPSet {
        var builder = Builder()
        builder.add(self)
        builder.add(other)
        return builder.build()
    }

    /// Collects ranges in any order, then sorts and merges them once.
    public struct Builder: Sendable {
        private var ranges: [(IPAddress, IPAddress)] = []

        public init() {}

        public var count: Int { ranges.count }

        /// Adds `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or `x::/n`.
        public mutating func add(_ text: String) throws(IPSetError) {
            guard let range = IPSet.range(parsing: text) else { throw IPSetError(entry: text) }
            ranges.append(range)
        }

        public mutating func add(range start: IPAddress, _ end: IPAddress) {
            ranges.append(start <= end ? (start, end) : (end, start))
        }

        public mutating func add(_ address: IPAddress) { ranges.append((address, address)) }

        /// Adds every range of `set` (an IPv4 part of a wider range overlaps it, and merges back into it).
        mutating func add(_ set: IPSet) {
            for i in set.storage.starts.indices { ranges.append((set.storage.starts[i], set.storage.ends[i])) }
            for (start, end) in set.storage.v4.pairs { ranges.append((IPAddress(ipv4: start), IPAddress(ipv4: end))) }
        }

        public func build() -> IPSet {
            // Merge in the 128-bit space in one pass over the sorted ranges; each merged range goes to the IPv4 table
            // (its IPv4 part, when it reaches past the IPv4-mapped block) or to the 128-bit ranges. No other copy is
            // made: a large list's transient memory stays resident after loading.
            var starts: [IPAddress] = [], ends: [IPAddress] = []
            var v4: [UInt64] = []
            var shared = 0
            func emit(_ start: IPAddress, _ end: IPAddress) {
                if IPSet.v4First <= start && end <= IPSet.v4Last {
                    v4.append(IPv4RangeTable.pack(UInt32(truncatingIfNeeded: start.low), UInt32(truncatingIfNeeded: end.low)))
                    return
                }
                starts.append(start)
                ends.append(end)
                if start <= IPSet.v4Last && IPSet.v4First <= end {
                    let first = max(start, IPSet.v4First), last = min(end, IPSet.v4Last)
                    v4.append(IPv4RangeTable.pack(UInt32(truncatingIfNeeded: first.low), UInt32(truncatingIfNeeded: last.low)))
                    shared += 1
                }
            }
            var current: (IPAddress, IPAddress)?
            for (start, end) in ranges.sorted(by: { $0.0 < $1.0 }) {
                if let (first, last) = current, !(last < start) || last.successor == start {
                    if last < end { current = (first, end) }
                } else {
                    if let (first, last) = current { emit(first, last) }
                    current = (start, end)
                }
            }
            if let (first, last) = current { emit(first, last) }
            if starts.isEmpty && v4.isEmpty { return IPSet() }
            return IPSet(storage: Storage(starts: starts, ends: ends, v4: IPv4RangeTable(ascending: v4), shared: shared))
        }
    }

    /// The first and last address of a CIDR or single address, nil when it is not one.
    public static func range(parsing text: String) -> (IPAddress, IPAddress)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        let maxPrefix = address.isIPv4 ? 32 : 128
        var prefix = maxPrefix
        if parts.count == 2 {
            guard let p = Int(parts[1]), p >= 0, p <= maxPrefix else { return nil }
            prefix = p
        }
        let bits = address.isIPv4 ? 96 + prefix : prefix
        let (maskHigh, maskLow) = Self.mask(bits: bits)
        let start = IPAddress(high: address.high & maskHigh, low: address.low & maskLow)
        let end = IPAddress(high: start.high | ~maskHigh, low: start.low | ~maskLow)
        return (start, end)
    }

    private static func mask(bits: Int) -> (UInt64, UInt64) {
        let high: UInt64 = bits >= 64 ? ~0 : (bits == 0 ? 0 : ~0 << UInt64(64 - bits))
        let lowBits = bits - 64
        let low: UInt64 = lowBits >= 64 ? ~0 : (lowBits <= 0 ? 0 : ~0 << UInt64(64 - lowBits))
        return (high, low)
    }
}

extension IPAddress {
    /// The next address (wraps at the top of the space).
    var successor: IPAddress {
        let low = self.low &+ 1
        return IPAddress(high: low == 0 ? high &+ 1 : high, low: low)
    }
}

extension IPSet {
    /// Equal when they hold the same addresses (merged ranges are one canonical form).
    public static func == (lhs: IPSet, rhs: IPSet) -> Bool {
        lhs.storage === rhs.storage
            || lhs.storage.starts == rhs.storage.starts && lhs.storage.ends == rhs.storage.ends && lhs.storage.v4 == rhs.storage.v4
    }
}
