import Foundation
import FirebreakLogs

/// A set of IPv4 and IPv6 addresses and networks, stored as sorted, merged ranges of the 128-bit
/// address space (IPv4 as IPv4-mapped IPv6), so a lookup is one binary search and 100,000 networks
/// take a few MiB.
public struct IPSet: Sendable, Equatable {
    private var starts: [IPAddress] = []
    private var ends: [IPAddress] = []
    /// For large sets: `v4Bounds[k]` is the number of ranges starting before the IPv4 address `k << 16`
    /// (k in 0...65536), so an IPv4 lookup searches only the ranges of its /16. Empty for small sets.
    private var v4Bounds: [UInt32] = []

    /// Sets with at least this many ranges get `v4Bounds` (256 KiB).
    private static let v4IndexThreshold = 4096

    public init() {}

    /// Builds a set from CIDR or single-address strings; throws on the first invalid entry.
    public init<S: Sequence>(parsing entries: S) throws(IPSetError) where S.Element == String {
        var builder = Builder()
        for entry in entries { try builder.add(entry) }
        self = builder.build()
    }

    /// Number of merged ranges.
    public var rangeCount: Int { starts.count }
    public var isEmpty: Bool { starts.isEmpty }

    public func contains(_ address: IPAddress) -> Bool {
        // Last range whose start is <= address.
        var lo = 0, hi = starts.count
        if !v4Bounds.isEmpty && address.high == 0 && address.low >> 32 == 0xFFFF {
            let k = Int(truncatingIfNeeded: (address.low >> 16) & 0xFFFF)
            lo = Int(v4Bounds[k])
            hi = Int(v4Bounds[k + 1])
        }
        while lo < hi {
            let mid = (lo + hi) >> 1
            if starts[mid] <= address { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 && address <= ends[lo - 1]
    }

    /// The union of two sets.
    public func union(_ other: IPSet) -> IPSet {
        var builder = Builder()
        for i in starts.indices { builder.add(range: starts[i], ends[i]) }
        for i in other.starts.indices { builder.add(range: other.starts[i], other.ends[i]) }
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

        public func build() -> IPSet {
            var set = IPSet()
            let sorted = ranges.sorted { $0.0 < $1.0 }
            set.starts.reserveCapacity(sorted.count)
            set.ends.reserveCapacity(sorted.count)
            for (start, end) in sorted {
                if let last = set.ends.last, !(last < start) || last.successor == start {
                    if last < end { set.ends[set.ends.count - 1] = end }
                } else {
                    set.starts.append(start)
                    set.ends.append(end)
                }
            }
            if set.starts.count >= IPSet.v4IndexThreshold { set.v4Bounds = IPSet.v4Bounds(set.starts) }
            return set
        }
    }

    /// The first and last address of a CIDR or single address, nil when it is not one.
    /// `v4Bounds` of sorted `starts`: entry k counts the starts below `::ffff:0.0.0.0 + (k << 16)`.
    private static func v4Bounds(_ starts: [IPAddress]) -> [UInt32] {
        var bounds = [UInt32](repeating: 0, count: 65537)
        var i = 0
        for k in 0...65536 {
            let bound = IPAddress(high: 0, low: 0xFFFF_0000_0000 &+ (UInt64(k) << 16))
            while i < starts.count && starts[i] < bound { i += 1 }
            bounds[k] = UInt32(i)
        }
        return bounds
    }

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
    public static func == (lhs: IPSet, rhs: IPSet) -> Bool { lhs.starts == rhs.starts && lhs.ends == rhs.ends }
}
